import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream'

/** One place a marker was found: a raw file, or a message of a stream. */
export interface Finding {
  where: string
  marker: string
}

/**
 * Every raw file under dir that holds one of the markers, as bytes. Markers
 * are plain ASCII words, so their UTF-8 bytes are also what any JSON encoding
 * of a text holding them contains (escaping touches only quotes, backslashes,
 * control and, in some encoders, non-ASCII characters around them). Files
 * that vanish while being read (a server removing parts) hold nothing any more.
 */
export async function filesContaining(dir: string, markers: readonly string[]): Promise<Finding[]> {
  const found: Finding[] = []
  const needles = markers.map((m) => Buffer.from(m, 'utf8'))
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file).catch(gone)
    if (!bytes) continue
    markers.forEach((marker, i) => {
      if (bytes.includes(needles[i]!)) found.push({ where: file, marker })
    })
  }
  return found
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(gone)
  if (!entries) return []
  const files: string[] = []
  for (const e of entries) {
    const path = join(dir, e.name)
    if (e.isDirectory()) files.push(...(await filesUnder(path)))
    else if (e.isFile()) files.push(path)
  }
  return files
}

function gone(err: NodeJS.ErrnoException): null {
  if (err.code === 'ENOENT') return null
  throw err
}

/** Every message of every stream on the server (KV buckets, commit logs, the log itself) that holds one of the markers, in its data or its headers. */
export async function messagesContaining(jsm: JetStreamManager, markers: readonly string[]): Promise<Finding[]> {
  const found: Finding[] = []
  for await (const info of jsm.streams.list()) {
    const { first_seq: first, last_seq: last } = info.state
    for (let seq = first; seq > 0 && seq <= last; seq++) {
      const m = await jsm.streams.getMessage(info.config.name, { seq }).catch((err: unknown) => {
        // Erased and discarded messages leave holes: "no message found".
        if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.NoMessageFound) return null
        throw err
      })
      if (!m) continue
      const text = Buffer.from(m.data).toString('utf8') + (m.header ? JSON.stringify([...m.header]) : '')
      for (const marker of markers) if (text.includes(marker)) found.push({ where: `${info.config.name}#${seq} ${m.subject}`, marker })
    }
  }
  return found
}

/** Polls check until it returns an empty list or the deadline passes; returns the last findings. */
export async function untilNoneFound(check: () => Promise<Finding[]>, deadline: number, everyMs = 250): Promise<Finding[]> {
  for (;;) {
    const found = await check()
    if (found.length === 0 || Date.now() >= deadline) return found
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
