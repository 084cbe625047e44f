// `seqline verify <file>`: checks an exported NDJSON file offline, with no
// server: each conversation's seq and hash chain, up to its head line.
import { createReadStream } from 'node:fs'
import { type ExportVerification, ExportVerifier } from '../../core/log/index.js'
import { describeVerification } from './export.js'
import { LineSplitter } from './lines.js'

/** Checks the file line by line (see ExportVerifier). */
export async function verifyFile(path: string, publishedHead?: string): Promise<ExportVerification> {
  const verifier = new ExportVerifier()
  await eachLine(path, (line) => verifier.line(line))
  return verifier.finish(publishedHead)
}

/** The file's lines in order, without their newlines, read in chunks of 4 MiB. */
export async function eachLine(path: string, each: (line: string) => void): Promise<void> {
  const lines = new LineSplitter(each)
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) lines.push(chunk as Buffer)
  lines.end()
}

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
