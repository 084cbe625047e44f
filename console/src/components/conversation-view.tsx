import { useEffect, useRef, useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { ChatState, LiveChat } from '../chat/live.js'
import { typingNow } from '../chat/live.js'
import { useNow } from '../clock.js'
import { BurnSettings } from './burn-settings.js'
import { GroupPanel } from './group-panel.js'
import { MessageItem } from './message-item.js'

/** Typing signals are sent at most this often while the user types. */
const TYPING_EVERY_MS = 2000

/** The open conversation: its messages live, the composer, typing, and its settings. */
export function ConversationView({ chat, state, conv }: { chat: LiveChat; state: ChatState; conv: string }) {
  const t = state.timelines[conv] ?? chat.timeline(conv)
  const now = useNow()
  const [error, setError] = useState<string | null>(null)
  const lastTyping = useRef(0)
  const list = useRef<HTMLOListElement>(null)

  // Reading is what an open conversation does: it also starts the countdown of burn-after-read messages.
  useEffect(() => chat.markRead(conv), [chat, conv, t.head])
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' })
  }, [t.messages.length])

  const send = (e: Event) => {
    e.preventDefault()
    const form = e.currentTarget as HTMLFormElement
    const text = String(new FormData(form).get('text') ?? '').trim()
    if (!text) return
    const members = new Set(t.members.map((m) => m.user))
    const mentions = [...text.matchAll(/@([A-Za-z0-9_-]+)/g)].map((m) => m[1]!).filter((u) => members.has(u) && u !== chat.user)
    form.reset()
    setError(null)
    chat.sendText(conv, text, [...new Set(mentions)]).catch((err) => setError(messageOf(err)))
  }
  const typing = () => {
    if (Date.now() - lastTyping.current < TYPING_EVERY_MS) return
    lastTyping.current = Date.now()
    chat.typing(conv)
  }
  const typers = typingNow(state, conv, now)
  const peer = t.kind === 'direct' ? t.members.find((m) => m.user !== chat.user)?.user : undefined

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header>
        <h2 id="conversation-title">{peer ?? t.name}</h2>
        <span class="flags">
          {t.muted && <span class="tag">muted</span>}
          {t.dissolved && <span class="tag">dissolved</span>}
        </span>
      </header>
      {t.kind !== 'direct' && !t.dissolved && <GroupPanel chat={chat} timeline={t} />}
      {t.kind === 'direct' && <BurnSettings chat={chat} timeline={t} />}
      <ol class="messages" aria-label="Messages" aria-live="polite" ref={list}>
        {t.messages.map((m) => (
          <MessageItem key={m.seq} chat={chat} conv={conv} message={m} now={now} />
        ))}
      </ol>
      <p class="typing" aria-live="polite">
        {typers.length > 0 ? `${typers.join(', ')} ${typers.length === 1 ? 'is' : 'are'} typing…` : ''}
      </p>
      <form class="composer" onSubmit={send}>
        <label>
          Message <input name="text" autocomplete="off" onInput={typing} disabled={t.dissolved} />
        </label>
        <button type="submit" disabled={t.dissolved || state.status !== 'online'}>
          Send
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
