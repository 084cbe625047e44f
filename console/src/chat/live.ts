import { type Inbox, MemoryStore, type OutgoingCommand, type QueuedCommand, type SeqlineClient, type SeqlineEvent, type SeqlineSocket } from '@seqline/client'
import { emptyTimeline, fold, type Timeline } from './timeline.js'

type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline'

export interface ChatState {
  timelines: Record<string, Timeline>
  inbox: Inbox
  /** Who is typing where, until when (epoch ms). */
  typing: Record<string, Record<string, number>>
  status: ConnectionStatus
  error?: string
}

/** How much history a conversation starts with on this page: the latest events, older ones stay on the server. */
const LATEST = 100
/** A typing signal shows this long unless renewed. */
const TYPING_MS = 3000
/** The inbox is a projection, a moment behind the events: read again shortly after them, and now and then anyway. */
const INBOX_AFTER_EVENT_MS = 300
const INBOX_EVERY_MS = 5000

/**
 * One user's live chat on this page: the socket (reconnecting, gap-filling, once per seq: the client's
 * work), the conversations folded from its events, the inbox, who is typing. When the browser says it
 * is offline the socket is closed rather than left to time out, and a new one resumes from the
 * positions held when the browser is back online, so exactly the missed events arrive.
 */
export class LiveChat {
  private state: ChatState = { timelines: {}, inbox: [], typing: {}, status: 'connecting' }
  private readonly listeners = new Set<(state: ChatState) => void>()
  private readonly positions = new MemoryStore<Record<string, number>>()
  private readonly outbox = new MemoryStore<QueuedCommand[]>()
  private socket: SeqlineSocket | null = null
  /** Until the closed socket's positions are saved, a new one would not know where to resume. */
  private saved: Promise<void> = Promise.resolve()
  private inboxTimer: ReturnType<typeof setTimeout> | undefined
  private readonly inboxEvery: ReturnType<typeof setInterval>
  private readonly offline = () => this.goOffline()
  private readonly online = () => void this.goOnline()

  constructor(
    readonly client: SeqlineClient,
    readonly user: string,
  ) {
    window.addEventListener('offline', this.offline)
    window.addEventListener('online', this.online)
    this.inboxEvery = setInterval(() => void this.refreshInbox(), INBOX_EVERY_MS)
    if (navigator.onLine) this.open()
    else this.set({ status: 'offline' })
    void this.refreshInbox()
  }

  subscribe(listener: (state: ChatState) => void): () => void {
    this.listeners.add(listener)
    listener(this.state)
    return () => this.listeners.delete(listener)
  }

  timeline(conv: string): Timeline {
    return this.state.timelines[conv] ?? emptyTimeline(conv)
  }

  /** Sends a command over the socket and waits for its ack; a refusal rejects with the server's code and message. */
  async command(command: OutgoingCommand): Promise<{ seq: number }> {
    if (!this.socket) throw new Error('offline: reconnect first')
    return this.socket.sendCommand(command)
  }

  sendText(conv: string, text: string, mentions: string[] = []): Promise<{ seq: number }> {
    const data = { content: { type: 'text' as const, text }, ...(mentions.length > 0 ? { mentions: { users: mentions } } : {}) }
    return this.command({ type: 'message.send', conv, data })
  }

  /** Marks the conversation read up to its head when others wrote something the user has not read. */
  markRead(conv: string): void {
    const t = this.state.timelines[conv]
    if (!t || !this.socket) return
    const read = t.reads[this.user] ?? 0
    if (!t.messages.some((m) => m.seq > read && m.actor !== this.user)) return
    void this.command({ type: 'conversation.read', conv, data: { upTo: t.head } }).catch((err) => this.fail(err))
  }

  typing(conv: string): void {
    this.socket?.typing(conv)
  }

  /** A conversation just created or opened: make it show at once, before its first event arrives. */
  touch(conv: string): void {
    if (this.state.timelines[conv]) return
    this.set({ timelines: { ...this.state.timelines, [conv]: emptyTimeline(conv) } })
    this.scheduleInbox()
  }

  close(): void {
    window.removeEventListener('offline', this.offline)
    window.removeEventListener('online', this.online)
    clearInterval(this.inboxEvery)
    clearTimeout(this.inboxTimer)
    this.socket?.close()
    this.socket = null
    this.listeners.clear()
  }

  async refreshInbox(): Promise<void> {
    try {
      this.set({ inbox: await this.client.inbox() })
    } catch (err) {
      this.fail(err)
    }
  }

  private open(): void {
    const socket = this.client.connect({ latest: LATEST, positions: this.positions, outbox: this.outbox })
    this.socket = socket
    socket.on('open', () => this.set({ status: 'online', error: undefined }))
    socket.on('close', ({ reconnecting }) => this.socket === socket && this.set({ status: reconnecting ? 'reconnecting' : 'offline' }))
    socket.on('event', (e) => this.apply(e))
    socket.on('typing', ({ conv, user }) => this.typingSeen(conv, user))
    socket.on('error', (err) => this.fail(err))
  }

  private goOffline(): void {
    const socket = this.socket
    this.socket = null
    socket?.close()
    if (socket) this.saved = socket.flushed()
    this.set({ status: 'offline' })
  }

  private async goOnline(): Promise<void> {
    if (this.socket) return
    this.set({ status: 'connecting' })
    await this.saved
    if (this.socket) return
    this.open()
    await this.refreshInbox()
  }

  private apply(e: SeqlineEvent): void {
    const timelines = this.state.timelines
    this.set({ timelines: { ...timelines, [e.conv]: fold(timelines[e.conv] ?? emptyTimeline(e.conv), e) } })
    this.scheduleInbox()
  }

  private typingSeen(conv: string, user: string): void {
    if (user === this.user) return
    const until = Date.now() + TYPING_MS
    this.set({ typing: { ...this.state.typing, [conv]: { ...this.state.typing[conv], [user]: until } } })
  }

  private scheduleInbox(): void {
    clearTimeout(this.inboxTimer)
    this.inboxTimer = setTimeout(() => void this.refreshInbox(), INBOX_AFTER_EVENT_MS)
  }

  private fail(err: unknown): void {
    this.set({ error: err instanceof Error ? err.message : String(err) })
  }

  private set(change: Partial<ChatState>): void {
    this.state = { ...this.state, ...change }
    for (const listener of this.listeners) listener(this.state)
  }
}

/** Users typing in a conversation now. */
export function typingNow(state: ChatState, conv: string, now: number): string[] {
  return Object.entries(state.typing[conv] ?? {})
    .filter(([, until]) => until > now)
    .map(([user]) => user)
}
