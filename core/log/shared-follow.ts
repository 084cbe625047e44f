import { type ConsumerMessages, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Cursor, Followed, Follower } from './event-log.js'
import { EXPIRES_MS, FollowedMessage, followPartition, MAX_MESSAGES } from './follow.js'

type Handle = (f: Followed) => Promise<void> | void

/**
 * Events of one partition a follower may hold queued behind its awaited
 * handler before it leaves the shared consumer for one of its own: two pulls'
 * worth, seconds of a busy partition.
 */
const DEFAULT_QUEUE_LIMIT = 2048

interface Streams {
  nc: NatsConnection
  js: JetStreamClient
  jsm: JetStreamManager
  streams: readonly string[]
  queueLimit: number
}

/**
 * One consumer per partition for all of a process's followers of the log.
 * A process running the API, the projection, the burn reactor and the history
 * sink follows every event four times; with one consumer each, every event
 * crossed the wire, was parsed by nats.js and decoded from JSON four times.
 *
 * Each partition's shared consumer (a tap) starts at the partition's end and
 * hands each event, decoded at most once, to the followers attached to it. A
 * follower starting behind the tap (a processor resuming from its checkpoint)
 * reads with a consumer of its own until it reaches the tap's position, then
 * attaches; one whose awaited handler falls more than `queueLimit` events
 * behind leaves the tap and reads with its own consumer again, whose pulls
 * wait for the handler, so memory stays bounded. The order, the cursor and
 * the failure rules are those of EventLog.follow and followLive.
 */
export class SharedFollowers {
  private readonly taps = new Map<number, { started: Promise<Tap>; tap?: Tap }>()
  private readonly streams: Streams

  constructor(nc: NatsConnection, js: JetStreamClient, jsm: JetStreamManager, streams: readonly string[], queueLimit = DEFAULT_QUEUE_LIMIT) {
    this.streams = { nc, js, jsm, streams, queueLimit }
  }

  follow(from: Cursor, handle: Handle, only?: readonly number[]): Promise<Follower> {
    return this.subscribe(from, handle, false, only)
  }

  followLive(from: Cursor, deliver: (f: Followed) => void): Promise<Follower> {
    return this.subscribe(from, deliver, true)
  }

  /** Stops every shared consumer (the log is closing); a follower still on one fails rather than waits for ever. */
  close(): void {
    for (const entry of this.taps.values())
      void entry.started.then(
        (tap) => this.failed(tap, new Error('the log was closed')),
        () => undefined,
      )
    this.taps.clear()
  }

  private async subscribe(from: Cursor, handle: Handle, live: boolean, only?: readonly number[]): Promise<Follower> {
    const sub = new Subscription({ ...from }, handle, live, this.streams.nc)
    try {
      for (let p = 0; p < this.streams.streams.length; p++) {
        if (only && !only.includes(p)) continue
        const reader = new Reader(this, this.streams, p, sub)
        sub.readers.push(reader)
        await reader.start()
        // A partition already following failed while later ones started: the start fails with its error.
        if (sub.failure) throw sub.failure.err
      }
    } catch (err) {
      // A start that fails partway stops the partitions already following: nobody else holds them to stop.
      await sub.stop()
      throw err
    }
    return sub
  }

  /** The running tap of a partition, started on first use, with `reader` among its users. */
  async join(p: number, reader: Reader): Promise<Tap> {
    for (;;) {
      const entry = this.taps.get(p) ?? this.startTap(p)
      const tap = await entry.started
      // Joined in the same step as the check: a tap its last user stopped cannot take a new one after.
      if (!tap.stopped) {
        tap.users.add(reader)
        return tap
      }
      this.forget(tap)
    }
  }

  /** A tap with no users stops: a process that follows nothing holds no consumer. */
  async release(tap: Tap, reader: Reader): Promise<void> {
    tap.users.delete(reader)
    if (tap.users.size > 0) return
    this.forget(tap)
    await tap.stop()
  }

  private startTap(p: number): { started: Promise<Tap>; tap?: Tap } {
    const entry: { started: Promise<Tap>; tap?: Tap } = { started: Tap.start(this.streams, p, (tap, err) => this.failed(tap, err)) }
    this.taps.set(p, entry)
    entry.started.then(
      (tap) => (entry.tap = tap),
      () => {
        if (this.taps.get(p) === entry) this.taps.delete(p)
      },
    )
    return entry
  }

  private failed(tap: Tap, err: Error): void {
    this.forget(tap)
    void tap.stop()
    for (const reader of tap.users) reader.sub.fail(err)
  }

  /** Forgets this tap, not a newer one of its partition. */
  private forget(tap: Tap): void {
    if (this.taps.get(tap.partition)?.tap === tap) this.taps.delete(tap.partition)
  }
}

/** A partition's shared consumer: every event once, to each attached reader in turn. */
class Tap {
  /** Readers that use this tap, attached or reading on their own until they catch up. */
  readonly users = new Set<Reader>()
  readonly attached = new Set<Reader>()
  stopped = false
  private messages: ConsumerMessages | null = null

  private constructor(
    readonly partition: number,
    /** The last stream sequence delivered (at start: the partition's end). */
    public position: number,
    private readonly nc: NatsConnection,
  ) {}

  static async start(s: Streams, p: number, onFailure: (tap: Tap, err: Error) => void): Promise<Tap> {
    const stream = s.streams[p]!
    const { state } = await s.jsm.streams.info(stream)
    const tap = new Tap(p, state.last_seq, s.nc)
    const consumer = await s.js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: state.last_seq + 1 })
    const messages = await consumer.consume({ max_messages: MAX_MESSAGES, expires: EXPIRES_MS, callback: (m) => tap.take(m) })
    tap.messages = messages
    void messages.closed().then((closedWith) => {
      if (tap.stopped) return
      onFailure(tap, closedWith instanceof Error ? closedWith : new Error(`the shared consumer of ${stream} ended`))
    })
    return tap
  }

  private take(m: JsMsg): void {
    const f = new FollowedMessage(this.partition, m.seq, m.subject, m.data)
    this.position = m.seq
    for (const reader of this.attached) reader.offer(f)
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    // With the connection closed the consumer cannot confirm stopping; there is nothing left to stop.
    if (this.nc.isClosed()) return
    this.messages?.stop()
    await this.messages?.closed()
  }
}

/** One follower: its cursor, its handler and its readers (one per partition), as the Follower its caller holds. */
class Subscription implements Follower {
  readonly readers: Reader[] = []
  readonly done: Promise<void>
  /** What failed first, if anything. */
  failure: { err: unknown } | null = null
  private settle!: { resolve: () => void; reject: (err: unknown) => void }
  private stopping: Promise<void> | null = null

  constructor(
    readonly cursor: Cursor,
    readonly handle: Handle,
    /** The handler never waits: called in the tap's callback, with no queue. */
    readonly live: boolean,
    private readonly nc: NatsConnection,
  ) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }))
    // Observed here too: a failure while the follower is still starting is thrown by the start instead.
    this.done.catch(() => undefined)
  }

  /** With the connection closed nothing can confirm stopping: readers stop handing events over and wait for nothing. */
  get connectionClosed(): boolean {
    return this.nc.isClosed()
  }

  /** The first error stops every partition and rejects `done`. */
  fail(err: unknown): void {
    if (this.stopping) return
    this.failure = { err }
    this.settle.reject(err)
    void this.stop()
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopReaders()
    return this.stopping
  }

  private async stopReaders(): Promise<void> {
    await Promise.allSettled(this.readers.map((r) => r.stop()))
    this.settle.resolve()
  }
}

/**
 * A follower's reading of one partition: attached to the tap, or on a
 * consumer of its own while behind it. The cursor moves only once the
 * handler of an event has returned, and an event at or before the cursor
 * is never handed over again, so switching between the two neither skips
 * nor repeats one.
 */
class Reader {
  private state: 'starting' | 'own' | 'attached' | 'leaving' | 'stopped' = 'starting'
  private tap: Tap | null = null
  private own: Follower | null = null
  /** Counts the reader's own consumers: events of one it has left are dropped. */
  private generation = 0
  /** Events offered and not yet taken by the drain; `waiting` counts those and the rest of the drain's batch. */
  private queue: Followed[] = []
  private waiting = 0
  private draining = false
  private drained: Promise<void> = Promise.resolve()

  constructor(
    private readonly followers: SharedFollowers,
    private readonly s: Streams,
    private readonly partition: number,
    readonly sub: Subscription,
  ) {}

  private get at(): number {
    return this.sub.cursor[this.partition] ?? 0
  }

  async start(): Promise<void> {
    const tap = await this.followers.join(this.partition, this)
    // Stopped while joining (the follower failed on another partition): nothing of this one may run.
    if (this.state === 'stopped') return this.followers.release(tap, this)
    this.tap = tap
    if (this.at >= tap.position) return this.attach()
    await this.readOwn()
  }

  /** Called by the tap, in its consumer's callback, with every event after the reader attached. */
  offer(f: Followed): void {
    if (f.streamSeq <= this.at) return
    if (this.sub.live) return this.deliverNow(f)
    this.queue.push(f)
    if (++this.waiting > this.s.queueLimit) return this.leave()
    if (!this.draining) this.drained = this.drain()
  }

  private deliverNow(f: Followed): void {
    try {
      void this.sub.handle(f)
    } catch (err) {
      this.detach()
      return this.sub.fail(err)
    }
    this.sub.cursor[this.partition] = f.streamSeq
  }

  private async drain(): Promise<void> {
    this.draining = true
    try {
      // The queue is taken whole and each event let go once taken, so nothing handled stays referenced.
      while (this.state === 'attached' && this.queue.length > 0) {
        const batch = this.queue
        this.queue = []
        for (let i = 0; i < batch.length && this.state === 'attached'; i++) {
          const f = batch[i]!
          batch[i] = undefined as unknown as Followed
          await this.sub.handle(f)
          this.waiting--
          this.sub.cursor[this.partition] = f.streamSeq
        }
      }
    } catch (err) {
      this.detach()
      this.sub.fail(err)
    } finally {
      this.queue = []
      this.waiting = 0
      this.draining = false
    }
  }

  private attach(): void {
    this.state = 'attached'
    this.tap!.attached.add(this)
  }

  private detach(): void {
    this.tap?.attached.delete(this)
  }

  /** Too far behind: once the event in hand is handled, read on from the cursor with a consumer of its own. */
  private leave(): void {
    this.detach()
    this.state = 'leaving'
    this.queue = []
    void this.drained.then(() => (this.state === 'leaving' ? this.readOwn() : undefined)).catch((err: unknown) => this.sub.fail(err))
  }

  private async readOwn(): Promise<void> {
    const generation = ++this.generation
    this.state = 'own'
    const p = this.partition
    const own = await followPartition(this.s.nc, this.s.js, this.s.streams[p]!, p, this.at, (f) => this.handleOwn(f, generation))
    if (generation !== this.generation) {
      // Stopped before the start returned.
      own.done.catch(() => undefined)
      await own.stop()
      return
    }
    this.own = own
    // Ending while still the reader's own consumer is a failure: a handler's error, or a consumer that closed.
    own.done.then(
      () => {
        if (generation === this.generation) this.sub.fail(new Error(`following partition ${p} ended`))
      },
      (err: unknown) => {
        if (generation === this.generation) this.sub.fail(err)
      },
    )
  }

  private async handleOwn(f: Followed, generation: number): Promise<void> {
    if (generation !== this.generation) return
    await this.sub.handle(f)
    this.sub.cursor[this.partition] = f.streamSeq
    if (this.at < this.tap!.position || this.state !== 'own') return
    // Caught up: the tap hands over what comes next. The own consumer is stopped, not awaited: its loop waits for this handler.
    this.generation++
    const own = this.own
    this.own = null
    this.attach()
    void own?.stop()
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return
    this.state = 'stopped'
    this.generation++
    this.detach()
    const own = this.own
    this.own = null
    if (this.sub.connectionClosed) return
    await own?.stop()
    await this.drained
    if (this.tap) await this.followers.release(this.tap, this)
  }
}
