import { randomBytes } from 'node:crypto'
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

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'
const PIECE = 8
const PIECES = 3

/** A word found nowhere else: a tag, then random lowercase letters and digits — one token for every tokenizer. */
export const wordMarker = (tag: string) => tag + [...randomBytes(PIECE * PIECES)].map((b) => ALNUM[b % ALNUM.length]).join('')

/** The random pieces of a marker: compression can store any part of it as a reference to earlier bytes, rarely all. */
const pieces = (m: string) => Array.from({ length: PIECES }, (_, i) => m.slice(m.length - PIECE * (PIECES - i), m.length - PIECE * (PIECES - i - 1)))

/**
 * The files under root holding any of the markers (made by wordMarker), each
 * file with the markers it holds. A marker counts when any of its pieces is
 * there: LZ4 stores a repeated run of bytes as a reference, and a dictionary
 * may store a word after the prefix it shares with the word before it, so a
 * whole word can be missing from the bytes while most of it is there.
 */
export async function holding(root: string, markers: string[]): Promise<Map<string, string[]>> {
  const byFile = new Map<string, string[]>()
  for (const { where, marker: piece } of await filesContaining(root, markers.flatMap(pieces))) {
    const held = markers.filter((m) => pieces(m).includes(piece))
    byFile.set(where, [...new Set([...(byFile.get(where) ?? []), ...held])])
  }
  return byFile
}
