import { Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { type Heartbeat, MISSED_BEATS, PRESENCE_BUCKET, parseKey } from './keys.js'

/**
 * The online record as one reader sees it, kept in memory from a watch on the
 * bucket: whether a user has a socket open on any live Seqline process. A
 * process counts as live while its heartbeats keep coming (judged by when this
 * reader saw them, so clocks of other hosts do not matter).
 */
export class OnlineMirror {
  private readonly beats = new Map<string, { seenAt: number; everyMs: number }>()
  private readonly byUser = new Map<string, Set<string>>()
  private stopWatch: (() => void) | null = null

  private constructor(private readonly clock: () => number) {}

  static async open(nc: NatsConnection, opts: { bucket?: string; replicas?: number; clock?: () => number } = {}): Promise<OnlineMirror> {
    const kv = await new Kvm(nc).create(opts.bucket ?? PRESENCE_BUCKET, { history: 1, replicas: opts.replicas ?? 1 })
    const mirror = new OnlineMirror(opts.clock ?? Date.now)
    const watch = await kv.watch({ key: '>' })
    mirror.stopWatch = () => watch.stop()
    let loaded!: () => void
    const ready = new Promise<void>((resolve) => (loaded = resolve))
    void (async () => {
      for await (const e of watch) {
        mirror.apply(e.key, e.operation === 'PUT' ? e.string() : null)
        if (e.delta === 0) loaded()
      }
    })()
    // An empty bucket sends nothing to wait for.
    if ((await kv.status()).values === 0) loaded()
    await ready
    return mirror
  }

  private apply(key: string, value: string | null): void {
    const parsed = parseKey(key)
    if (!parsed) return
    if (!('user' in parsed)) {
      if (value === null) this.beats.delete(parsed.process)
      else this.beats.set(parsed.process, { seenAt: this.clock(), everyMs: (JSON.parse(value) as Heartbeat).everyMs })
      return
    }
    const procs = this.byUser.get(parsed.user) ?? new Set<string>()
    if (value === null) procs.delete(parsed.process)
    else procs.add(parsed.process)
    if (procs.size === 0) this.byUser.delete(parsed.user)
    else this.byUser.set(parsed.user, procs)
  }

  /** Whether the user has a socket open on any Seqline process that is still beating. */
  isOnline(user: string): boolean {
    const now = this.clock()
    for (const proc of this.byUser.get(user) ?? []) {
      const beat = this.beats.get(proc)
      if (beat && now - beat.seenAt <= MISSED_BEATS * beat.everyMs) return true
    }
    return false
  }

  stop(): void {
    this.stopWatch?.()
  }
}
