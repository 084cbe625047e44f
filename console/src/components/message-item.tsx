import type { Receipt } from '@seqline/client'
import { useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { Attached } from '../chat/attached.js'
import type { LiveChat } from '../chat/live.js'
import { type Message, mayPin, mayPost, type Timeline, textOf } from '../chat/timeline.js'
import { ErrorNote } from './notice.js'
import { ReactionBar } from './reaction-bar.js'

interface Props {
  chat: LiveChat
  conv: string
  message: Message
  now: number
  timeline: Timeline
  attached: Attached
  /** Opens the thread under this message; absent for a reply (threads are one level deep). */
  onThread?: (root: number) => void
}

/** One message: who and what, its state, and what its author or a reader can do with it. */
export function MessageItem({ chat, conv, message: m, now, timeline, attached, onThread }: Props) {
  const [editing, setEditing] = useState(false)
  const [receipt, setReceipt] = useState<Receipt | null>(null)
  const [error, setError] = useState<string | null>(null)
  const mine = m.actor === chat.user
  const run = (work: Promise<unknown>) => work.catch((err) => setError(messageOf(err)))

  const edit = (e: Event) => {
    e.preventDefault()
    const text = String(new FormData(e.currentTarget as HTMLFormElement).get('text') ?? '')
    setEditing(false)
    void run(chat.command({ type: 'message.edit', conv, data: { target: m.seq, content: { type: 'text', text } } }))
  }
  const recall = () => void run(chat.command({ type: 'message.recall', conv, data: { target: m.seq } }))
  const receipts = () => void run(chat.client.receipts(conv, m.seq).then(setReceipt))
  const mentioned = m.mentionsAll || m.mentions.includes(chat.user)
  const pinned = attached.pins.some((p) => p.seq === m.seq)
  const pin = () => void run(chat.pin(conv, m.seq, !pinned))
  const thread = attached.threads[m.seq]
  const views = attached.views[m.seq]

  return (
    <li class={`message${mine ? ' mine' : ''}${mentioned ? ' mentioned' : ''}`} data-seq={m.seq}>
      <span class="who">{m.actor}</span>
      {m.recalled ? (
        <span class="text recalled">message recalled</span>
      ) : editing ? (
        <form class="inline" onSubmit={edit}>
          <label>
            Edit message <input name="text" defaultValue={textOf(m.content)} required />
          </label>
          <button type="submit">Save</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <span class="text">{textOf(m.content)}</span>
      )}
      {m.edited && !m.recalled && <span class="tag">edited</span>}
      {pinned && <span class="tag pinned">pinned</span>}
      {timeline.kind === 'channel' && views !== undefined && (
        <span class="views" role="status" aria-label={`message ${m.seq} viewed by ${views}`}>
          {views} {views === 1 ? 'view' : 'views'}
        </span>
      )}
      {m.burnAfter !== undefined && <BurnNote message={m} now={now} />}
      <time dateTime={new Date(m.at).toISOString()}>{new Date(m.at).toLocaleTimeString()}</time>
      <span class="actions">
        {mine && !m.recalled && m.content.type === 'text' && (
          <button type="button" onClick={() => setEditing(true)} aria-label={`Edit message ${m.seq}`}>
            Edit
          </button>
        )}
        {mine && !m.recalled && (
          <button type="button" onClick={recall} aria-label={`Recall message ${m.seq}`}>
            Recall
          </button>
        )}
        {(timeline.kind !== 'channel' || mayPost(timeline, chat.user)) && (
          <button type="button" onClick={receipts} aria-label={`Read receipts of message ${m.seq}`}>
            Receipts
          </button>
        )}
        {onThread && !m.recalled && (
          <button type="button" onClick={() => onThread(m.seq)} aria-label={`Reply in thread to message ${m.seq}`}>
            Reply
          </button>
        )}
        {!m.recalled && mayPin(timeline, chat.user) && (
          <button type="button" onClick={pin} aria-label={`${pinned ? 'Unpin' : 'Pin'} message ${m.seq}`}>
            {pinned ? 'Unpin' : 'Pin'}
          </button>
        )}
      </span>
      {!m.recalled && <ReactionBar chat={chat} conv={conv} seq={m.seq} reactions={attached.reactions[m.seq] ?? []} />}
      {onThread && thread && thread.replies > 0 && (
        <button
          type="button"
          class="thread-summary"
          onClick={() => onThread(m.seq)}
          aria-label={`Open the thread of message ${m.seq}: ${thread.replies} ${thread.replies === 1 ? 'reply' : 'replies'}`}
        >
          {thread.replies} {thread.replies === 1 ? 'reply' : 'replies'}
          {thread.last && (
            <span class="last">
              {' '}
              · last {thread.last.actor}: {thread.last.preview}
            </span>
          )}
        </button>
      )}
      {receipt && (
        <p class="receipt">
          read by {receipt.readBy.join(', ') || 'nobody'}
          {receipt.unreadBy.length > 0 && <> · not yet by {receipt.unreadBy.join(', ')}</>}
        </p>
      )}
      <ErrorNote error={error} />
    </li>
  )
}

/** Burn after read: how long it waits for a read, or how long it has left once read. */
function BurnNote({ message: m, now }: { message: Message; now: number }) {
  if (m.readByRecipientAt === undefined) return <span class="burn">burns {m.burnAfter} s after it is read</span>
  // `now` only makes it render every second; the time itself is read here, or the first second shown would be stale by up to one.
  const left = Math.max(0, Math.ceil((m.readByRecipientAt + (m.burnAfter ?? 0) * 1000 - Math.max(now, Date.now())) / 1000))
  return (
    <span class="burn" role="timer">
      burns in {left} s
    </span>
  )
}
