import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { SeqlineClient } from '../../client/src/index.js'
import type { ServerFrame } from '../../schemas/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { barrier, syncedSocket } from '../helpers/ws.js'

const eventOf = (conv: string, seq: number) => (f: ServerFrame) => f.type === 'event' && f.event.conv === conv && f.event.seq === seq

// The views a new socket starts from are a projection of the log and lag it a
// little; a membership change in that window must hold all the same.
describe('WebSocket membership right after a membership change (views not caught up yet)', () => {
  const t = withLogServer()
  let s: ApiStack
  const client = async (user: string) => new SeqlineClient({ url: s.url, token: await s.token(user) })
  const synced = (user: string) => syncedSocket(t, s, user)

  before(async () => {
    s = await startApiStack(t, 'ws_lag')
    t.defer(() => s.stop())
  })

  test('a member kicked just before connecting gets nothing after the kick, by sync or live', async () => {
    const alice = await client('alice')
    const { conv } = await alice.createGroup({ name: 'k', members: ['bob'] })
    await alice.text(conv, 'before the kick')
    await s.settle()
    const witness = await synced('alice')
    const kick = await alice.kick(conv, 'bob')
    const bob = await synced('bob')
    const secret = await alice.text(conv, 'secret after the kick')
    // The hub hands an event to every socket in one pass: once a member's socket has it,
    // bob's socket would have had it before answering a ping sent after.
    await witness.next(eventOf(conv, secret.seq))
    await barrier(bob)
    assert.deepEqual(
      bob.events(conv).map((e) => e.seq),
      [1, 2, kick.seq],
    )
  })

  test('a member invited just before connecting gets the invitation and what follows', async () => {
    const alice = await client('alice')
    const { conv } = await alice.createGroup({ name: 'i', members: [] })
    await s.settle()
    const invite = await alice.invite(conv, ['carol'])
    const carol = await synced('carol')
    const after = await alice.text(conv, 'welcome')
    await carol.next(eventOf(conv, after.seq))
    const seen = carol.events(conv).map((e) => e.seq)
    assert.ok(seen.includes(invite.seq), `carol saw ${JSON.stringify(seen)}`)
  })
})
