// `seqline verify <file>`: checks an exported NDJSON file offline, with no
// server: each conversation's seq and hash chain, up to its head line.
import { createReadStream } from 'node:fs'
import { type ExportVerification, ExportVerifier } from '../../core/log/index.js'
import { describeVerification } from './export.js'

/** Checks the file line by line (see ExportVerifier). */
export async function verifyFile(path: string, publishedHead?: string): Promise<ExportVerification> {
  const verifier = new ExportVerifier()
  await eachLine(path, (line) => verifier.line(line))
  return verifier.finish(publishedHead)
}

/**
 * The file's lines in order, without their newlines. Reads chunks of bytes
 * and decodes each line once from them: a line reader, or decoding whole
 * chunks and slicing the text, costs more than hashing the lines.
 */
export async function eachLine(path: string, each: (line: string) => void): Promise<void> {
  let rest: Buffer | undefined
  for await (const read of createReadStream(path, { highWaterMark: 4 << 20 })) {
    const chunk = read as Buffer
    let start = 0
    let end = chunk.indexOf(NEWLINE)
    // Only the line cut by the chunk's edge is copied: joining whole chunks copied every byte once more.
    if (rest && end !== -1) {
      each(Buffer.concat([rest, chunk.subarray(0, end)]).toString('utf8'))
      rest = undefined
      start = end + 1
      end = chunk.indexOf(NEWLINE, start)
    }
    for (; end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      each(chunk.toString('utf8', start, end))
      start = end + 1
    }
    if (start < chunk.length) rest = rest ? Buffer.concat([rest, chunk]) : Buffer.from(chunk.subarray(start))
  }
  if (rest) each(rest.toString('utf8'))
}

const NEWLINE = 10

export function describeFileVerification(path: string, v: ExportVerification): string {
  const lines = v.conversations.map(describeVerification)
  for (const u of v.unreadable) lines.push(`line ${u.line}: ${u.reason}${u.conv ? ` (${u.conv}${u.seq ? ` seq ${u.seq}` : ''})` : ''}`)
  const bad = v.firstBad
  if (bad) {
    const where = `${bad.conv ? `${bad.conv} ` : ''}seq ${bad.seq}${bad.line === undefined ? '' : ` (line ${bad.line})`}`
    lines.push(`${path}: NOT VERIFIED: first bad ${where}: ${bad.reason}`)
  } else {
    lines.push(`${path}: verified: ${v.conversations.length} conversation(s)`)
  }
  return lines.join('\n')
}
