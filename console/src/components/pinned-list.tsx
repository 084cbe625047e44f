import { useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { Attached } from '../chat/attached.js'
import type { LiveChat } from '../chat/live.js'
import { mayPin, type Timeline, textOf } from '../chat/timeline.js'
import { ErrorNote } from './notice.js'

/** The conversation's pinned messages, in the order they were pinned, with who pinned each; unpin for those who may. */
export function PinnedList({ chat, timeline: t, attached }: { chat: LiveChat; timeline: Timeline; attached: Attached }) {
  const [error, setError] = useState<string | null>(null)
  if (attached.pins.length === 0) return null
  const unpin = (seq: number) => {
    setError(null)
    chat.pin(t.conv, seq, false).catch((err) => setError(messageOf(err)))
  }
  const may = mayPin(t, chat.user)
  return (
    <section class="pins" aria-label="Pinned messages">
      <ul>
        {attached.pins.map((p) => {
          const m = t.messages.find((x) => x.seq === p.seq)
          return (
            <li key={p.seq} class="pin" data-seq={p.seq}>
              <span aria-hidden="true">📌 </span>
              <span class="text">{m ? textOf(m.content) : `message ${p.seq}`}</span> <span class="by">pinned by {p.by}</span>
              {may && (
                <button type="button" onClick={() => unpin(p.seq)} aria-label={`Unpin message ${p.seq} from the pinned list`}>
                  Unpin
                </button>
              )}
            </li>
          )
        })}
      </ul>
      <ErrorNote error={error} />
    </section>
  )
}
