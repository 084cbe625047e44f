// Live delivery (the hub's follower) may stand behind the views a new socket
// is seeded from: the session waits only until the views reach the hub's
// position, and they may be further on by the time it reads them. A user
// removed in that gap is seeded as a former member up to the removal; live
// delivery then passes them over (the removal is already known), so the sync
// must give them everything up to it, the removal included.
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { SeqlineClient } from '../../client/src/index.js'
import type { EventLog, Followed } from '../../core/log/index.js'
import type { ServerFrame } from '../../schemas/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { barrier, TestSocket, wsUrl } from '../helpers/ws.js'

const eventOf = (conv: string, seq: number) => (f: ServerFrame) => f.type === 'event' && f.event.conv === conv && f.event.seq === seq

/** The log with its live delivery (followLive) held on demand: held events go on, in order, once released. */
function holdableLive(log: EventLog) {
  let held: Array<() => void> | null = null
  const wrapped = new Proxy(log, {
    get(target, prop) {
      if (prop === 'followLive') {
        return (from: Parameters<EventLog['followLive']>[0], deliver: (f: Followed) => void) =>
          target.followLive(from, (f) => (held ? held.push(() => deliver(f)) : deliver(f)))
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
    release() {
      const waiting = held ?? []
      held = null
      for (const deliver of waiting) deliver()
    },
  }
}

describe('WebSocket sync while live delivery lags the views', () => {
  const t = withLogServer()
  let s: ApiStack
  let live: ReturnType<typeof holdableLive>
  const client = async (user: string) => new SeqlineClient({ url: s.url, token: await s.token(user) })
  const synced = async (user: string) => {
    const socket = await TestSocket.open(wsUrl(s, await s.token(user)))
    t.defer(() => socket.close())
    await socket.sync()
    return socket
  }

  before(async () => {
    live = holdableLive(t.log)
    s = await startApiStack({ nc: t.nc, log: live.log }, 'hub_lag')
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
})
