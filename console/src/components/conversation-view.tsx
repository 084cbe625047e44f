import { useEffect, useRef, useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import { emptyAttached } from '../chat/attached.js'
import type { ChatState, LiveChat } from '../chat/live.js'
import { typingNow } from '../chat/live.js'
import { mayPost } from '../chat/timeline.js'
import { useNow } from '../clock.js'
import { BurnSettings } from './burn-settings.js'
import { GroupPanel } from './group-panel.js'
import { MessageItem } from './message-item.js'
import { ErrorNote } from './notice.js'
import { PinnedList } from './pinned-list.js'
import { ThreadPane } from './thread-pane.js'

/** Typing signals are sent at most this often while the user types. */
const TYPING_EVERY_MS = 2000
/** A channel's view counts are read this often while it is open (subscribers' reads are private, so never seen live). */
const VIEWS_EVERY_MS = 2000

/** The open conversation: its messages live, the composer, typing, and its settings. */
export function ConversationView({ chat, state, conv }: { chat: LiveChat; state: ChatState; conv: string }) {
  const t = state.timelines[conv] ?? chat.timeline(conv)
  const attached = state.attached[conv] ?? emptyAttached()
  const now = useNow()
  const [error, setError] = useState<string | null>(null)
  const [thread, setThread] = useState<number | null>(null)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const lastTyping = useRef(0)
  const list = useRef<HTMLOListElement>(null)
  const shown = t.messages.filter((m) => m.thread === undefined)
  const newest = shown[shown.length - 1]?.seq

  // Reading is what an open conversation does: it also starts the countdown of burn-after-read messages.
  useEffect(() => chat.markRead(conv), [chat, conv, t.head])
  // The aggregates of what it holds are read once it holds something, then follow its events.
  const holds = t.head > 0
  useEffect(() => void chat.attach(conv), [chat, conv, holds])
  useEffect(() => {
    if (t.kind !== 'channel') return
    void chat.refreshViews(conv)
    const timer = setInterval(() => void chat.refreshViews(conv), VIEWS_EVERY_MS)
    return () => clearInterval(timer)
  }, [chat, conv, t.kind])
  // A new message at the end comes into view; older history put in front leaves the view where it was.
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' })
  }, [newest])

  const older = () => {
    if (loadingOlder) return
    setLoadingOlder(true)
    setError(null)
    chat
      .loadOlder(conv)
      .catch((err) => setError(messageOf(err)))
      .finally(() => setLoadingOlder(false))
  }
  // Scrolled to the top with older history on the server: page it in.
  const scrolled = (e: Event) => {
    if ((e.currentTarget as HTMLElement).scrollTop === 0 && t.olderUpTo > 0) older()
  }

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
  const posting = mayPost(t, chat.user)

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header>
        <h2 id="conversation-title">{peer ?? t.name}</h2>
        <span class="flags">
          {t.muted && <span class="tag">muted</span>}
          {t.dissolved && <span class="tag">dissolved</span>}
          {t.kind === 'channel' && (
            <span class="tag">
              channel <span class="conv-id">{conv}</span>
            </span>
          )}
        </span>
      </header>
      <PinnedList chat={chat} timeline={t} attached={attached} />
      {/* A channel's subscribers manage nothing: the panel is its owner's and admins'. */}
      {t.kind !== 'direct' && !t.dissolved && (t.kind === 'group' || posting) && <GroupPanel chat={chat} timeline={t} />}
      {t.kind === 'direct' && <BurnSettings chat={chat} timeline={t} />}
      {t.olderUpTo > 0 && (
        <button type="button" class="older" onClick={older} disabled={loadingOlder}>
          {loadingOlder ? 'Loading older messages…' : 'Older messages'}
        </button>
      )}
      <ol class="messages" aria-label="Messages" aria-live="polite" ref={list} onScroll={scrolled}>
        {shown.map((m) => (
          <MessageItem key={m.seq} chat={chat} conv={conv} message={m} now={now} timeline={t} attached={attached} onThread={setThread} />
        ))}
      </ol>
      {thread !== null && <ThreadPane chat={chat} timeline={t} attached={attached} root={thread} now={now} onClose={() => setThread(null)} />}
      <p class="typing" aria-live="polite">
        {typers.length > 0 ? `${typers.join(', ')} ${typers.length === 1 ? 'is' : 'are'} typing…` : ''}
      </p>
      {!posting && t.kind === 'channel' && !t.dissolved && (
        <p class="note" id="read-only-note">
          You are a subscriber: only the channel's owner and admins post here. You can read and react.
        </p>
      )}
      <form class="composer" onSubmit={send}>
        <label>
          Message <input name="text" autocomplete="off" onInput={typing} disabled={!posting} aria-describedby={posting ? undefined : 'read-only-note'} />
        </label>
        <button type="submit" disabled={!posting || state.status !== 'online'}>
          Send
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  )
}
