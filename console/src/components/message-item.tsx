import type { Receipt } from '@seqline/client'
import { useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { LiveChat } from '../chat/live.js'
import { type Message, textOf } from '../chat/timeline.js'

interface Props {
  chat: LiveChat
  conv: string
  message: Message
  now: number
}

/** One message: who and what, its state, and what its author or a reader can do with it. */
export function MessageItem({ chat, conv, message: m, now }: Props) {
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
        <button type="button" onClick={receipts} aria-label={`Read receipts of message ${m.seq}`}>
          Receipts
        </button>
      </span>
      {receipt && (
        <p class="receipt">
          read by {receipt.readBy.join(', ') || 'nobody'}
          {receipt.unreadBy.length > 0 && <> · not yet by {receipt.unreadBy.join(', ')}</>}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  )
}

/** Burn after read: how long it waits for a read, or how long it has left once read. */
function BurnNote({ message: m, now }: { message: Message; now: number }) {
  if (m.readByRecipientAt === undefined) return <span class="burn">burns {m.burnAfter} s after it is read</span>
  const left = Math.max(0, Math.ceil((m.readByRecipientAt + (m.burnAfter ?? 0) * 1000 - now) / 1000))
  return (
    <span class="burn" role="timer">
      burns in {left} s
    </span>
  )
}
