import { chainFor, eventHash } from '../../core/log/index.js'
import { EVENT_VERSION, type SeqlineEvent } from '../../schemas/index.js'

/** An export of `count` chained text messages (seq 1..count), one JSON line each, and the hash of the last: what a verifier is fed. */
export function chainedExport(conv: string, count: number, textOf: (seq: number) => string): { lines: string[]; lastHash: string | undefined } {
  const lines: string[] = []
  let prev: string | undefined
  for (let seq = 1; seq <= count; seq++) {
    const event = {
      id: `id${seq}`,
      type: 'message.sent',
      conv,
      seq,
      at: 1_800_000_000_000 + seq,
      actor: 'alice',
      v: EVENT_VERSION['message.sent'],
      cmd: `m${seq}`,
      data: { content: { type: 'text', text: textOf(seq) } },
      chain: chainFor('message.sent', prev),
    } as SeqlineEvent
    prev = eventHash(event)
    lines.push(JSON.stringify(event))
  }
  return { lines, lastHash: prev }
}
