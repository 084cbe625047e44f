// core's export verifier, as `seqline verify` runs it: the same code checks the file in the browser.
import { type ExportVerification, ExportVerifier } from '../../../core/log/verify-export.js'

export type { ExportVerification }

/** Verifies an export's NDJSON text: each conversation's seq continuity and hash chain, up to its head line. */
export function verifyExport(text: string): ExportVerification {
  const verifier = new ExportVerifier()
  for (const line of text.split('\n')) verifier.line(line)
  return verifier.finish()
}

/** The verdict in one line, naming the first bad seq as `seqline verify` does. */
export function verdictOf(result: ExportVerification): string {
  if (result.ok) {
    const events = result.conversations.reduce((n, c) => n + c.events, 0)
    return `verified: ${result.conversations.length} conversation(s), ${events} event(s); seq is dense and the hash chain holds`
  }
  const bad = result.firstBad!
  return `NOT VERIFIED: first bad ${bad.conv ? `${bad.conv} ` : ''}seq ${bad.seq}${bad.line !== undefined ? ` (line ${bad.line})` : ''}: ${bad.reason}`
}
