// `seqline verify <file>`: checks an exported NDJSON file offline, with no
// server: each conversation's seq and hash chain, up to its head line.
import { createReadStream } from 'node:fs'
import { type ExportVerification, ExportVerifier } from '../../core/log/index.js'
import { describeVerification } from './export.js'

/** Reads the file in large chunks and splits lines itself: a line reader costs more than the hashing. */
export async function verifyFile(path: string, publishedHead?: string): Promise<ExportVerification> {
  const verifier = new ExportVerifier()
  let rest = ''
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string)
    let start = 0
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      verifier.line(text.slice(start, end))
      start = end + 1
    }
    rest = text.slice(start)
  }
  if (rest) verifier.line(rest)
  return verifier.finish(publishedHead)
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
