import type { JetStreamManager } from '@nats-io/jetstream'
import { decodeEvent } from '../../core/log/index.js'
import type { MessageContent } from '../../schemas/index.js'
import { BURNED_PREVIEW, ERASED_PREVIEW, previewOf, RECALLED_PREVIEW } from './preview.js'
import type { ContentRef, LastMessage, LastRecord } from './records.js'

/** The content of the message event a view points at, or null when the log no longer holds it (burned, erased). */
export type ContentReader = (ref: ContentRef, seq: number) => Promise<MessageContent | null>

/** Reads contents from the log by one direct get each: the log is the only place a message's text is kept. */
export function logContents(jsm: JetStreamManager): ContentReader {
  return async (ref, seq) => {
    const m = await jsm.direct.getMessage(ref.stream, { seq: ref.streamSeq })
    if (!m) return null
    const e = decodeEvent(m.data)
    if (e.type === 'message.sent' && e.seq === seq) return e.data.content
    if (e.type === 'message.edited' && e.data.target === seq) return e.data.content
    return null
  }
}

/** The last message as an inbox row shows it: the preview read from the log, or the placeholder of a message that is gone. */
export async function lastMessage(record: LastRecord, contents: ContentReader): Promise<LastMessage> {
  const { seq, actor, at, state } = record
  return { seq, actor, at, state, preview: await previewFor(record, contents) }
}

async function previewFor(r: LastRecord, contents: ContentReader): Promise<string> {
  if (r.state === 'recalled') return RECALLED_PREVIEW
  if (r.state === 'burned') return BURNED_PREVIEW
  if (r.state === 'erased') return ERASED_PREVIEW
  if (r.preview !== undefined) return r.preview
  const content = r.content ? await contents(r.content, r.seq) : null
  if (content) return previewOf(content)
  // Erased from the log before the views caught up with the burn or the recall that erased it.
  return r.burnable ? BURNED_PREVIEW : RECALLED_PREVIEW
}
