import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Hub, type LiveTarget } from '../../api/ws/hub.js'
import { Signals } from '../../api/ws/signals.js'
import { membershipChange } from '../../core/domain/index.js'
import { until } from '../../core/index.js'
import type { EventLog, Followed } from '../../core/log/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'
import { frameText } from '../helpers/ws.js'

function waitFor(condition: () => boolean, ms: number, what: string): Promise<true> {
  return until(() => (condition() ? true : undefined), { timeoutMs: ms, everyMs: 20, timedOut: () => new Error(`${what}: not by the deadline`) })
}

/** The log, its followers handed events that record each decode (by conversation and stream seq). */
function decodeCounting(log: EventLog, decoded: Map<string, Set<number>>): EventLog {
  const spy = Object.create(log) as EventLog
  spy.followLive = (from, handle) =>
    log.followLive(from, (f) =>
      handle({
        partition: f.partition,
        streamSeq: f.streamSeq,
        conv: f.conv,
        body: f.body,
        get event() {
          const conv = f.conv ?? '?'
          decoded.set(conv, (decoded.get(conv) ?? new Set()).add(f.streamSeq))
          return f.event
        },
      } satisfies Followed),
    )
  return spy
}

/** A connection as the hub sees it, re-indexed on its own membership changes as a session is. */
function target(hub: () => Hub, user: string, got: SeqlineEvent[], frames: string[]): LiveTarget {
  const t: LiveTarget = {
    user,
    live: (event, frame) => {
      got.push(event)
      frames.push(frameText(frame))
      const change = membershipChange(event)
      if (change.added.includes(user)) hub().index(t, event.conv, true, event.seq)
      if (change.removed.includes(user)) hub().index(t, event.conv, false, event.seq)
    },
    send: () => undefined,
  }
  return t
}

describe('the WebSocket hub routes by conversation before decoding, against a real nats-server', () => {
  const t = withLogServer()

  test('events of a conversation none of its sockets is in are skipped unparsed; an invite of a connected user is still seen, and delivery starts', async () => {
    const decoded = new Map<string, Set<number>>()
    const hub = new Hub(decodeCounting(t.log, decoded), new Signals(t.nc))
    await hub.start()
    t.defer(() => hub.stop())
    const annGot: SeqlineEvent[] = []
    const carlGot: SeqlineEvent[] = []
    const carlFrames: string[] = []
    const ann = target(() => hub, 'ann', annGot, [])
    const carl = target(() => hub, 'carl', carlGot, carlFrames)
    hub.add(ann)
    hub.add(carl)

    await createGroup(t.handler, 'g_mine', 'ann', ['ben'])
    await createGroup(t.handler, 'g_other', 'dan', ['eve'])
    hub.index(ann, 'g_mine', true, 1)
    for (let i = 0; i < 5; i++) await accepted(t.handler, text(`o${i}`, 'g_other', 'dan'))
    const mine = await accepted(t.handler, text('m0', 'g_mine', 'ben'))
    await waitFor(() => annGot.some((e) => e.seq === mine.seq), 5_000, "ann's message live")

    await accepted(t.handler, { type: 'group.invite', id: 'inv', conv: 'g_other', actor: 'dan', data: { users: ['carl'] } })
    const after = await accepted(t.handler, text('o-after', 'g_other', 'eve'))
    await waitFor(() => carlGot.some((e) => e.seq === after.seq), 5_000, "the message after carl's invite, live to carl")

    assert.deepEqual(
      carlGot.map((e) => e.type),
      ['member.invited', 'message.sent'],
      'carl gets his invite and what follows, nothing from before',
    )
    // g_other's creation and invite are membership events (looked into while sockets are connected), the
    // message after the invite has carl's socket: three decoded; the five messages before were skipped unparsed.
    assert.equal(decoded.get('g_other')?.size, 3, 'only the membership events and the message carl gets were decoded')
    assert.deepEqual(
      annGot.map((e) => `${e.conv} ${e.type}`),
      ['g_mine conversation.created', 'g_mine message.sent'],
      'ann gets her group only',
    )
    // What carl's socket was handed is the event frame of the stored bytes, equal to the event.
    assert.deepEqual(JSON.parse(carlFrames.at(-1)!), { type: 'event', event: carlGot.at(-1) })
  })

  test("a channel subscriber's read reaches that subscriber's socket framed from its bytes, and no other subscriber's", async () => {
    const hub = new Hub(t.log, new Signals(t.nc))
    await hub.start()
    t.defer(() => hub.stop())
    const got = { sam: [] as SeqlineEvent[], tia: [] as SeqlineEvent[] }
    const frames = { sam: [] as string[], tia: [] as string[] }
    const sam = target(() => hub, 'sam', got.sam, frames.sam)
    const tia = target(() => hub, 'tia', got.tia, frames.tia)
    hub.add(sam)
    hub.add(tia)
    await accepted(t.handler, { type: 'channel.create', id: 'make', conv: 'c_news', actor: 'olivia', data: { name: 'news', subscribers: ['sam', 'tia'] } })
    const post = await accepted(t.handler, text('p1', 'c_news', 'olivia'))
    const read = await accepted(t.handler, { type: 'conversation.read', id: 'r1', conv: 'c_news', actor: 'sam', data: { upTo: post.seq } })
    const after = await accepted(t.handler, text('p2', 'c_news', 'olivia'))
    await waitFor(() => got.tia.some((e) => e.seq === after.seq) && got.sam.some((e) => e.seq === after.seq), 5_000, 'the post after the read, to both')
    assert.deepEqual(
      got.sam.map((e) => e.seq),
      [1, post.seq, read.seq, after.seq],
      'sam gets his own read',
    )
    assert.deepEqual(
      got.tia.map((e) => e.seq),
      [1, post.seq, after.seq],
      "tia never gets sam's read",
    )
    assert.deepEqual(JSON.parse(frames.sam[2]!), { type: 'event', event: got.sam[2] })
  })
})
