// Live delivery by interest through the whole gateway: a socket's conversations
// are subscribed as it connects and as its user joins, and a join whose notice
// was lost is caught by the membership check (the socket is asked to
// reconnect, and its new session has the conversation).
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { EventLog, JoinNotice } from '../../core/log/index.js'
import { CLOSE } from '../../schemas/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { accepted, text, withLogServer } from '../helpers/log.js'
import { barrier, TestSocket, wsUrl } from '../helpers/ws.js'

/** The membership check's period here: short, so a lost join is found within the test. */
const CHECK_MS = 300

const isEvent = (cmd: string) => (f: { type: string; event?: { cmd: string } }) => f.type === 'event' && f.event?.cmd === cmd

/** The log with the join notices of some conversations dropped, as a connection that was down drops them. */
function droppingJoins(log: EventLog, convs: string[]) {
  const wrapped = Object.create(log) as EventLog
  wrapped.subscribeJoins = (user, deliver) => log.subscribeJoins(user, (join: JoinNotice) => (convs.includes(join.conv) ? undefined : deliver(join)))
  return wrapped
}

describe('WebSocket: live delivery by interest', () => {
  const t = withLogServer()
  let s: ApiStack
  const sockets: TestSocket[] = []

  async function connect(user: string): Promise<TestSocket> {
    const opened = await TestSocket.open(wsUrl(s, await s.token(user)))
    sockets.push(opened)
    await opened.sync()
    return opened
  }

  before(async () => {
    s = await startApiStack({ nc: t.nc, log: droppingJoins(t.log, ['g_lost']) }, 'ws_interest', undefined, {
      ws: { liveDelivery: 'interest', liveCheckMs: CHECK_MS },
    })
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      await s.stop()
    })
  })

  test('a connected user invited to a conversation gets the invite and what follows live', async () => {
    const olga = await connect('olga')
    const kim = await connect('kim')
    const created = await olga.command({ type: 'group.create', id: 'make-club', conv: 'g_club', data: { name: 'club', members: [] } })
    assert.equal(created.type, 'ack', JSON.stringify(created))
    await olga.command({ type: 'message.send', id: 'before-kim', conv: 'g_club', data: { content: { type: 'text', text: 'before' } } })
    await olga.command({ type: 'group.invite', id: 'invite-kim', conv: 'g_club', data: { users: ['kim'] } })
    await kim.next(isEvent('invite-kim'))
    await olga.command({ type: 'message.send', id: 'after-kim', conv: 'g_club', data: { content: { type: 'text', text: 'after' } } })
    await kim.next(isEvent('after-kim'))
    assert.deepEqual(
      kim.events('g_club').map((e) => e.cmd),
      ['invite-kim', 'after-kim'],
      'kim gets the conversation live from his invite on',
    )
  })

  test('a join whose notice was lost is found by the membership check: the socket is asked to reconnect, and then has it', { timeout: 30_000 }, async () => {
    // No socket of this process is in g_lost, so only the join notice could tell it of lee's invite.
    const lee = await connect('lee')
    await accepted(t.handler, { type: 'group.create', id: 'make-lost', conv: 'g_lost', actor: 'olga', data: { name: 'lost', members: [] } })
    await accepted(t.handler, { type: 'group.invite', id: 'invite-lee', conv: 'g_lost', actor: 'olga', data: { users: ['lee'] } })
    await s.settle()
    await barrier(lee)
    assert.equal(lee.frames.some(isEvent('invite-lee')), false, 'its notice was dropped, so nothing of the invite came live')

    // The views hold the join at two checks in a row: the session gives up on live delivery.
    const closed = await lee.closed
    assert.deepEqual(closed, { code: CLOSE.UNAVAILABLE, reason: 'live delivery was interrupted; reconnect' })
    const again = await connect('lee')
    assert.ok(
      again.events('g_lost').some((e) => e.cmd === 'invite-lee'),
      'the new session syncs the conversation',
    )
    await accepted(t.handler, text('after-lee', 'g_lost', 'olga'))
    await again.next(isEvent('after-lee'))
  })
})
