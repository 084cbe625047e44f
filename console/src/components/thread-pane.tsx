import { threadReplies } from '@seqline/client'
import { useEffect, useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { Attached } from '../chat/attached.js'
import type { LiveChat } from '../chat/live.js'
import { emptyTimeline, fold, type Message, mayPost, type Timeline, textOf } from '../chat/timeline.js'
import { MessageItem } from './message-item.js'
import { ErrorNote } from './notice.js'

/** Replies read per page when the pane opens; later ones arrive live with the conversation's events. */
const REPLIES_PAGE = 100

interface Props {
  chat: LiveChat
  timeline: Timeline
  attached: Attached
  root: number
  now: number
  onClose: () => void
}

/**
 * The thread under one message: its replies (the first page read from the server, then live from the
 * conversation's events, which carry every reply) and a box to reply.
 */
export function ThreadPane({ chat, timeline: t, attached, root, now, onClose }: Props) {
  const [earlier, setEarlier] = useState<Message[]>([])
  const [error, setError] = useState<string | null>(null)
  const conv = t.conv
  useEffect(() => {
    setEarlier([])
    threadReplies(chat.client, conv, root, { limit: REPLIES_PAGE })
      .then((page) => setEarlier(page.replies.reduce(fold, emptyTimeline(conv)).messages))
      .catch((err) => setError(messageOf(err)))
  }, [chat, conv, root])

  // The live ones win: they carry edits and recalls the first read may predate.
  const live = t.messages.filter((m) => m.thread === root)
  const seen = new Set(live.map((m) => m.seq))
  const replies = [...earlier.filter((m) => !seen.has(m.seq) && m.seq < (t.messages[0]?.seq ?? Infinity)), ...live].sort((a, b) => a.seq - b.seq)
  const rootMessage = t.messages.find((m) => m.seq === root)

  const send = (e: Event) => {
    e.preventDefault()
    const form = e.currentTarget as HTMLFormElement
    const text = String(new FormData(form).get('reply') ?? '').trim()
    if (!text) return
    form.reset()
    setError(null)
    chat.reply(conv, root, text).catch((err) => setError(messageOf(err)))
  }

  return (
    <section class="thread" aria-labelledby="thread-title">
      <header>
        <h3 id="thread-title">Thread</h3>
        <button type="button" onClick={onClose} aria-label="Close the thread">
          Close
        </button>
      </header>
      <p class="root">
        {rootMessage ? (
          <>
            <span class="who">{rootMessage.actor}</span> {textOf(rootMessage.content)}
          </>
        ) : (
          `message ${root}`
        )}
      </p>
      <ol class="messages replies" aria-label="Replies">
        {replies.map((m) => (
          <MessageItem key={m.seq} chat={chat} conv={conv} message={m} now={now} timeline={t} attached={attached} />
        ))}
      </ol>
      {replies.length === 0 && <p class="placeholder">No replies yet.</p>}
      {mayPost(t, chat.user) && (
        <form class="composer" onSubmit={send}>
          <label>
            Reply <input name="reply" autocomplete="off" required />
          </label>
          <button type="submit">Send reply</button>
        </form>
      )}
      <ErrorNote error={error} />
    </section>
  )
}
