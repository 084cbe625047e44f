import {
  Channels,
  type Inbox,
  MemoryStore,
  type OutgoingCommand,
  type QueuedCommand,
  type SeqlineClient,
  type SeqlineEvent,
  type SeqlineSocket,
  threadSummary,
} from '@seqline/client'
import { type Attached, emptyAttached, type Stale, staleAfter } from './attached.js'
import { emptyTimeline, fold, type Timeline } from './timeline.js'

type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline'

export interface ChatState {
  timelines: Record<string, Timeline>
  /** Reactions, threads, pins and view counts of the conversations opened on this page. */
  attached: Record<string, Attached>
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
/** Older history comes this many seqs at a time. */
const OLDER_PAGE = 50
/** View counts are read for this many of a channel's latest posts. */
const VIEWED_POSTS = 20
/** An aggregate whose event the views have not shown by then is read anyway. */
const STALE_WAIT_MS = 10_000

/**
 * One user's live chat on this page: the socket (reconnecting, gap-filling, once per seq: the client's
 * work), the conversations folded from its events, the inbox, who is typing. When the browser says it
 * is offline the socket is closed rather than left to time out, and a new one resumes from the
 * positions held when the browser is back online, so exactly the missed events arrive.
 */
export class LiveChat {
  private state: ChatState = { timelines: {}, attached: {}, inbox: [], typing: {}, status: 'connecting' }
  /** Every event held per conversation in seq order: older history is put in front and the timeline folded again. */
  private readonly events = new Map<string, SeqlineEvent[]>()
  /** Aggregates being read again, and whether they changed meanwhile (then they are read once more). */
  private readonly refreshing = new Map<string, boolean>()
  /**
   * Aggregates an event changed, waiting for the views to reach its seq: they are a projection a moment
   * behind the log, so reading them at once could show the count from before the event.
   */
  private stale: Array<{ conv: string; seq: number; since: number; stale: Stale }> = []
  readonly channels: Channels
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
    this.channels = new Channels(client)
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

  /** Reacts with a key, or takes the reaction back. */
  react(conv: string, target: number, key: string, add: boolean): Promise<{ seq: number }> {
    return this.command({ type: add ? 'reaction.add' : 'reaction.remove', conv, data: { target, key } })
  }

  pin(conv: string, target: number, pin: boolean): Promise<{ seq: number }> {
    return this.command({ type: pin ? 'message.pin' : 'message.unpin', conv, data: { target } })
  }

  /** A reply in the thread under the message at `root`. */
  reply(conv: string, root: number, text: string): Promise<{ seq: number }> {
    return this.command({ type: 'message.send', conv, data: { content: { type: 'text', text }, thread: root } })
  }

  /**
   * A conversation opened on the page: from now on its aggregates follow its events. Reads the
   * reactions and thread summaries of the messages it holds (one page of events carries both) and
   * the pinned list.
   */
  async attach(conv: string): Promise<void> {
    if (!this.state.attached[conv]) this.setAttached(conv, emptyAttached())
    const t = this.timeline(conv)
    const from = Math.max(1, t.messages[0]?.seq ?? t.head)
    try {
      const [page, pins] = await Promise.all([
        t.head > 0 ? this.client.page(conv, { from, limit: Math.min(500, t.head - from + 1) }) : undefined,
        this.client.pins.list(conv),
      ])
      this.mergePage(conv, page ?? {})
      this.setAttached(conv, { pins })
    } catch (err) {
      this.fail(err)
    }
  }

  /** The page before the oldest seq held: its events go in front, and its reactions and threads beside them. */
  async loadOlder(conv: string): Promise<void> {
    const t = this.timeline(conv)
    if (t.olderUpTo <= 0) return
    const from = t.olderUpTo
    const limit = Math.min(OLDER_PAGE, from)
    const page = await this.client.page(conv, { from, limit, direction: 'backward' })
    const held = (this.events.get(conv) ?? []).filter((e) => e.seq > from)
    const events = [...page.events.filter((e) => e.seq <= from), ...held]
    this.events.set(conv, events)
    const olderUpTo = from - limit
    const timeline = events.reduce(fold, { ...emptyTimeline(conv), olderUpTo })
    this.set({ timelines: { ...this.state.timelines, [conv]: { ...timeline, head: Math.max(timeline.head, t.head), olderUpTo } } })
    this.mergePage(conv, page)
  }

  /** View counts of a channel's latest posts: subscribers' reads are private, so they are read, not seen live. */
  async refreshViews(conv: string): Promise<void> {
    const posts = this.timeline(conv)
      .messages.filter((m) => m.thread === undefined)
      .slice(-VIEWED_POSTS)
    try {
      const counts = await Promise.all(posts.map((m) => this.channels.views(conv, m.seq)))
      const views = { ...this.attachedOf(conv).views }
      for (const c of counts) views[c.seq] = c.views
      this.setAttached(conv, { views })
    } catch (err) {
      this.fail(err)
    }
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
    this.readReached()
  }

  private open(): void {
    const socket = this.client.connect({ latest: LATEST, positions: this.positions, outbox: this.outbox })
    this.socket = socket
    socket.on('open', () => this.set({ status: 'online', error: undefined }))
    socket.on('close', ({ reconnecting }) => this.socket === socket && this.set({ status: reconnecting ? 'reconnecting' : 'offline' }))
    socket.on('event', (e) => this.apply(e))
    socket.on('skipped', ({ conv, upTo }) => this.skipped(conv, upTo))
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
    const held = this.events.get(e.conv)
    if (held) held.push(e)
    else this.events.set(e.conv, [e])
    const timelines = this.state.timelines
    this.set({ timelines: { ...timelines, [e.conv]: fold(timelines[e.conv] ?? emptyTimeline(e.conv), e) } })
    const stale = staleAfter(e)
    if (this.state.attached[e.conv] && Object.keys(stale).length > 0) this.stale.push({ conv: e.conv, seq: e.seq, since: Date.now(), stale })
    this.scheduleInbox()
  }

  /** A latest-N sync left out the seqs up to `upTo`: the view offers them as older history. */
  private skipped(conv: string, upTo: number): void {
    const t = this.timeline(conv)
    if (t.messages.length > 0 && t.messages[0]!.seq <= upTo) return
    this.set({ timelines: { ...this.state.timelines, [conv]: { ...t, olderUpTo: upTo } } })
  }

  /**
   * Reads again the aggregates of events the views have reached (the inbox row's maxSeq is the views'
   * head of the conversation, committed with its aggregates); the inbox is read again soon while some wait.
   */
  private readReached(): void {
    const heads = new Map(this.state.inbox.map((row) => [row.conv, row.maxSeq]))
    const now = Date.now()
    const due = (x: (typeof this.stale)[number]) => (heads.get(x.conv) ?? 0) >= x.seq || now - x.since > STALE_WAIT_MS
    for (const x of this.stale.filter(due)) this.refreshStale(x.conv, x.stale)
    this.stale = this.stale.filter((x) => !due(x))
    if (this.stale.length > 0) this.scheduleInbox()
  }

  private refreshStale(conv: string, stale: Stale): void {
    const reactions = stale.reactions
    if (reactions !== undefined) {
      this.refresh(`r ${conv} ${reactions}`, async () => {
        const { reactions: counts } = await this.client.reactions.of(conv, reactions)
        this.setAttached(conv, { reactions: { ...this.attachedOf(conv).reactions, [reactions]: counts } })
      })
    }
    for (const root of stale.threads ?? []) {
      this.refresh(`t ${conv} ${root}`, async () => {
        const summary = await threadSummary(this.client, conv, root)
        this.setAttached(conv, { threads: { ...this.attachedOf(conv).threads, [root]: summary } })
      })
    }
    if (stale.pins) this.refresh(`p ${conv}`, async () => this.setAttached(conv, { pins: await this.client.pins.list(conv) }))
  }

  /**
   * Reads an aggregate again; while a read is out, a change only marks it to be read once more after,
   * so an older answer never lands after a newer one.
   */
  private refresh(key: string, read: () => Promise<void>): void {
    if (this.refreshing.has(key)) {
      this.refreshing.set(key, true)
      return
    }
    this.refreshing.set(key, false)
    void read()
      .catch((err) => this.fail(err))
      .finally(() => {
        const again = this.refreshing.get(key)
        this.refreshing.delete(key)
        if (again) this.refresh(key, read)
      })
  }

  private mergePage(conv: string, page: { reactions?: Attached['reactions']; threads?: Array<Attached['threads'][number]> }): void {
    const now = this.attachedOf(conv)
    const threads = { ...now.threads }
    for (const summary of page.threads ?? []) threads[summary.root] = summary
    this.setAttached(conv, { reactions: { ...now.reactions, ...page.reactions }, threads })
  }

  private attachedOf(conv: string): Attached {
    return this.state.attached[conv] ?? emptyAttached()
  }

  private setAttached(conv: string, change: Partial<Attached>): void {
    this.set({ attached: { ...this.state.attached, [conv]: { ...this.attachedOf(conv), ...change } } })
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
