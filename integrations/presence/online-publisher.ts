import { randomBytes } from 'node:crypto'
import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { listKeys } from '../../core/index.js'
import { type Heartbeat, MISSED_BEATS, PRESENCE_BUCKET, parseKey, presenceKeys } from './keys.js'

/** How long leaving the record may hold up a shutdown. */
const LEAVE_MS = 1000

interface OnlinePublisherOptions {
  /** How often this process beats; it is taken for gone after MISSED_BEATS beats without one. */
  heartbeatMs?: number
  bucket?: string
  replicas?: number
}

/**
 * One process's part of the online record: which users hold a socket here,
 * written only when a user's first socket opens or last one closes (not per
 * beat), and a heartbeat that keeps them counted. A process that dies stops
 * beating, so readers drop its users by themselves; the first live process to
 * notice then also removes its keys.
 */
export class OnlinePublisher {
  readonly process = randomBytes(9).toString('base64url')
  private readonly sockets = new Map<string, number>()
  /** Writes go out in the order the sockets changed: a quick close after an open never leaves the user online. */
  private writes: Promise<unknown> = Promise.resolve()
  private timer: NodeJS.Timeout | null = null

  private constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    private readonly heartbeatMs: number,
  ) {}

  static async open(nc: NatsConnection, opts: OnlinePublisherOptions = {}): Promise<OnlinePublisher> {
    const kv = await new Kvm(nc).create(opts.bucket ?? PRESENCE_BUCKET, { history: 1, replicas: opts.replicas ?? 1 })
    const publisher = new OnlinePublisher(nc, kv, opts.heartbeatMs ?? 5000)
    await publisher.beat()
    publisher.timer = setInterval(() => void publisher.beat().catch(() => undefined), publisher.heartbeatMs)
    publisher.timer.unref()
    return publisher
  }

  connected(user: string): void {
    const n = (this.sockets.get(user) ?? 0) + 1
    this.sockets.set(user, n)
    if (n === 1) this.write(() => this.kv.put(presenceKeys.user(user, this.process), '1'))
  }

  disconnected(user: string): void {
    const n = (this.sockets.get(user) ?? 0) - 1
    if (n > 0) return void this.sockets.set(user, n)
    this.sockets.delete(user)
    this.write(() => this.kv.delete(presenceKeys.user(user, this.process)))
  }

  /** Users with a socket here. */
  get users(): number {
    return this.sockets.size
  }

  private write(op: () => Promise<unknown>): void {
    // A failed write (NATS away) is made good by the next change; readers see the process's heartbeat stop meanwhile.
    this.writes = this.writes.then(op).catch(() => undefined)
  }

  private async beat(): Promise<void> {
    const heartbeat: Heartbeat = { at: Date.now(), everyMs: this.heartbeatMs }
    await this.kv.put(presenceKeys.process(this.process), JSON.stringify(heartbeat))
    await this.sweep()
  }

  /** Removes the keys of processes that stopped beating (crashed): readers ignore them already, this keeps the bucket small. */
  private async sweep(): Promise<void> {
    const now = Date.now()
    for (const key of await listKeys(this.kv, 'p.*')) {
      const parsed = parseKey(key)
      if (!parsed || parsed.process === this.process) continue
      const entry = await this.kv.get(key)
      if (entry?.operation !== 'PUT') continue
      const beat = entry.json<Heartbeat>()
      if (now - beat.at > MISSED_BEATS * beat.everyMs * 2) await this.forget(parsed.process)
    }
  }

  private async forget(proc: string): Promise<void> {
    const keys = await listKeys(this.kv, presenceKeys.usersOf(proc))
    await Promise.all(keys.map((k) => this.kv.purge(k)))
    await this.kv.purge(presenceKeys.process(proc))
  }

  /**
   * Leaves the record: this process's users are offline here at once. With
   * NATS away it does not wait: the stopped heartbeat takes them offline anyway.
   */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    const users = [...this.sockets.keys()]
    this.sockets.clear()
    if (this.nc.isClosed()) return
    const leave = async () => {
      await this.writes
      await Promise.all(users.map((u) => this.kv.purge(presenceKeys.user(u, this.process))))
      await this.kv.purge(presenceKeys.process(this.process))
    }
    let timer: NodeJS.Timeout | undefined
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, LEAVE_MS)))
    await Promise.race([leave().catch(() => undefined), giveUp]).finally(() => clearTimeout(timer))
  }
}
