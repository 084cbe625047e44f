import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JetStreamManager } from '@nats-io/jetstream'

/** One place a marker was found: a raw file, or a message of a stream. */
export interface Finding {
  where: string
  marker: string
}

/**
 * Every raw file under dir that holds one of the markers, as bytes. Markers
 * are plain ASCII words, so their UTF-8 bytes are also what any JSON encoding
 * of a text holding them contains (escaping touches only quotes, backslashes,
 * control and, in some encoders, non-ASCII characters around them).
 */
export async function filesContaining(dir: string, markers: readonly string[]): Promise<Finding[]> {
  const found: Finding[] = []
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = join(entry.parentPath, entry.name)
    const bytes = await readFile(file).catch(() => null)
    if (!bytes) continue
    for (const marker of markers) if (bytes.includes(Buffer.from(marker, 'utf8'))) found.push({ where: file, marker })
  }
  return found
}

/** Every message of every stream on the server (KV buckets, commit logs, the log itself) that holds one of the markers, in its data or its headers. */
export async function messagesContaining(jsm: JetStreamManager, markers: readonly string[]): Promise<Finding[]> {
  const found: Finding[] = []
  for await (const info of jsm.streams.list()) {
    const { first_seq: first, last_seq: last } = info.state
    for (let seq = first; seq > 0 && seq <= last; seq++) {
      const m = await jsm.streams.getMessage(info.config.name, { seq }).catch((err: unknown) => {
        // Erased and discarded messages leave holes: "no message found".
        if ((err as { code?: number }).code === 10037 || /no message found/i.test(String(err))) return null
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
