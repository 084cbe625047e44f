import { useRef, useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { ReactionCount } from '../chat/attached.js'
import type { LiveChat } from '../chat/live.js'

/** The few keys offered to react with; the message's existing keys are offered too, as their own buttons. */
const QUICK = ['👍', '❤️', '😂', '🎉', '😮', '😢']

/** A message's reactions: each key with its count (mine pressed), a press adds or takes back mine; a picker adds another. */
export function ReactionBar({ chat, conv, seq, reactions }: { chat: LiveChat; conv: string; seq: number; reactions: ReactionCount[] }) {
  const [error, setError] = useState<string | null>(null)
  const picker = useRef<HTMLDetailsElement>(null)
  const mine = new Set(reactions.filter((r) => r.mine).map((r) => r.key))
  const toggle = (key: string, add: boolean) => {
    setError(null)
    if (picker.current) picker.current.open = false
    chat.react(conv, seq, key, add).catch((err) => setError(messageOf(err)))
  }
  return (
    <fieldset class="reactions" aria-label={`Reactions to message ${seq}`}>
      {reactions.map((r) => (
        <button
          key={r.key}
          type="button"
          class={`reaction${r.mine ? ' mine' : ''}`}
          aria-pressed={r.mine}
          aria-label={`${r.key} ${r.count}${r.mine ? ', yours: take it back' : ': add yours'}`}
          title={`latest: ${r.latest.join(', ')}`}
          onClick={() => toggle(r.key, !r.mine)}
        >
          {r.key} <span class="count">{r.count}</span>
        </button>
      ))}
      <details class="react" ref={picker}>
        <summary aria-label={`Add a reaction to message ${seq}`}>+☺</summary>
        <span class="picker">
          {QUICK.map((key) => (
            <button key={key} type="button" aria-label={`React ${key}`} aria-pressed={mine.has(key)} onClick={() => toggle(key, !mine.has(key))}>
              {key}
            </button>
          ))}
        </span>
      </details>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </fieldset>
  )
}
