// Live delivery (the hub's follower) may stand behind the views a new socket
// is seeded from: the session waits only until the views reach the hub's
// position, and they may be further on by the time it reads them. A user
// removed in that gap is seeded as a former member up to the removal; live
// delivery then passes them over (the removal is already known), so the sync
// must give them everything up to it, the removal included. And a live join
// met while seeding, overtaken by the removal the views hold, must not leave
// the socket in the hub's index of the conversation (it stayed there after
// the socket closed).
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { SeqlineClient } from '../../client/src/index.js'
import { until } from '../../core/index.js'
import type { EventLog, Followed } from '../../core/log/index.js'
import type { ServerFrame } from '../../schemas/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { barrier, syncedSocket, TestSocket, wsUrl } from '../helpers/ws.js'

const DEADLINE_MS = 10_000

const eventOf = (conv: string, seq: number) => (f: ServerFrame) => f.type === 'event' && f.event.conv === conv && f.event.seq === seq

interface Held {
  f: Followed
  deliver: (f: Followed) => void
}

/** The log with its live delivery (followLive) held on demand: held events go on, in order, once released. */
function holdableLive(log: EventLog) {
  let held: Held[] | null = null
  const wrapped = new Proxy(log, {
    get(target, prop) {
      if (prop === 'followLive') {
        return (from: Parameters<EventLog['followLive']>[0], deliver: (f: Followed) => void) =>
          target.followLive(from, (f) => (held ? held.push({ f, deliver }) : deliver(f)))
      }
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return {
    log: wrapped,
    hold() {
      held ??= []
    },
    /** Delivers the held events up to the first that matches, once it is held; the rest stay held. */
    async releaseThrough(match: (f: Followed) => boolean) {
      const at = await until(
        () => {
          const i = held?.findIndex((h) => match(h.f)) ?? -1
          return i >= 0 ? i : undefined
        },
        { timeoutMs: DEADLINE_MS, everyMs: 5, timedOut: () => new Error('the event to release up to never reached live delivery') },
      )
      for (const { f, deliver } of held!.splice(0, at + 1)) deliver(f)
    },
    release() {
      const waiting = held ?? []
      held = null
      for (const { f, deliver } of waiting) deliver(f)
    },
  }
}

describe('WebSocket sync while live delivery lags the views', () => {
  const t = withLogServer()
  let s: ApiStack
  let live: ReturnType<typeof holdableLive>
  const client = async (user: string) => new SeqlineClient({ url: s.url, token: await s.token(user) })
  const synced = (user: string) => syncedSocket(t, s, user)

  before(async () => {
    live = holdableLive(t.log)
    // What is held is the whole log's follower: this suite is about live delivery from the log, whatever the run's mode.
    s = await startApiStack({ nc: t.nc, log: live.log }, 'hub_lag', undefined, { ws: { liveDelivery: 'log' } })
    t.defer(() => s.stop())
    // Released whatever fails, so the hub's follower never stops on a held queue.
    t.defer(() => live.release())
  })

  test('a member removed while live delivery lags gets, by sync, everything up to the removal and nothing after', async () => {
    const alice = await client('alice')
    const { conv } = await alice.createGroup({ name: 'lag', members: ['bob'] })
    await alice.text(conv, 'before')
    const witness = await synced('alice')
    await witness.next(eventOf(conv, 2))
    // Live delivery stops here; the views go on past bob's removal.
    live.hold()
    const during = await alice.text(conv, 'bob still in')
    const kick = await alice.kick(conv, 'bob')
    await s.settle()
    const bob = await synced('bob')
    assert.deepEqual(
      bob.events(conv).map((e) => e.seq),
      [1, 2, during.seq, kick.seq],
      'the sync stopped where live delivery stood',
    )
    live.release()
    const after = await alice.text(conv, 'after bob')
    // Once a member's socket has the later event, bob's would have had anything it was to get before answering a ping.
    await witness.next(eventOf(conv, after.seq))
    await barrier(bob)
    assert.deepEqual(
      bob.events(conv).map((e) => e.seq),
      [1, 2, during.seq, kick.seq],
      'nothing after the removal, nothing twice',
    )
  })

  test('a socket seeded after a live join and with views that already hold the removal keeps no routing entry of the conversation', async () => {
    const carl = await client('carl')
    const { conv } = await carl.createGroup({ name: 'seeded', members: [] })
    await carl.text(conv, 'first')
    await s.settle()
    // The views stop at seq 2; live delivery passes them by one event, then holds.
    await s.runner.projector.stop()
    live.hold()
    const third = await carl.text(conv, 'third')
    const invite = await carl.invite(conv, ['dave'])
    const kick = await carl.kick(conv, 'dave')
    const isOf = (seq: number) => (f: Followed) => f.conv === conv && f.event.seq === seq
    await live.releaseThrough(isOf(third.seq))
    const gateway = s.api.app.wsGateway
    const before = gateway.stats()
    // Dave's session waits for the views to reach live delivery; live delivery brings him the invitation meanwhile.
    const dave = await TestSocket.open(wsUrl(s, await s.token('dave')))
    t.defer(() => dave.close())
    await until(() => (gateway.stats().connections > before.connections ? true : undefined), {
      timeoutMs: DEADLINE_MS,
      everyMs: 10,
      timedOut: () => new Error("dave's session never opened"),
    })
    await live.releaseThrough(isOf(invite.seq))
    await dave.next(eventOf(conv, invite.seq))
    // The views go on past the kick: the session is seeded with dave a former member, up to the kick.
    await s.runner.projector.start()
    await dave.sync()
    assert.deepEqual(
      dave.events(conv).map((e) => e.seq),
      [invite.seq, 1, 2, third.seq, invite.seq, kick.seq],
    )
    live.release()
    await barrier(dave)
    assert.equal(dave.events(conv).length, 6, 'nothing after the removal')
    await dave.close()
    await until(() => (gateway.stats().connections === before.connections ? true : undefined), {
      timeoutMs: DEADLINE_MS,
      everyMs: 10,
      timedOut: () => new Error("dave's session never closed"),
    })
    assert.deepEqual(gateway.stats(), before, 'the closed socket is still routed the conversation')
  })
})
