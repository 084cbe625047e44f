import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { headers as natsHeaders } from '@nats-io/transport-node'
import { Hub, type LiveTarget } from '../../api/ws/hub.js'
import { Signals } from '../../api/ws/signals.js'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider, membershipChange } from '../../core/domain/index.js'
import { until } from '../../core/index.js'
import type { EventLog, JoinNotice, LiveCopy } from '../../core/log/index.js'
import { decodeEvent, SEQ_HEADER } from '../../core/log/index.js'
import { liveSubjectOf } from '../../core/log/partitions.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { accepted, createGroup, openLog, text, withLogServer } from '../helpers/log.js'

function waitFor(condition: () => boolean, ms: number, what: string): Promise<true> {
  return until(() => (condition() ? true : undefined), { timeoutMs: ms, everyMs: 20, timedOut: () => new Error(`${what}: not by the deadline`) })
}

/** A connection as the hub sees it, re-indexed on its own membership changes as a session is. */
function target(hub: () => Hub, user: string, got: SeqlineEvent[]): LiveTarget {
  const t: LiveTarget = {
    user,
    live: (event) => {
      got.push(event)
      const change = membershipChange(event)
      if (change.added.includes(user)) hub().index(t, event.conv, true, event.seq)
      if (change.removed.includes(user)) hub().index(t, event.conv, false, event.seq)
    },
    send: () => undefined,
  }
  return t
}

/** The log, recording every conversation live delivery subscribes to and every copy it is handed. */
function interestRecording(log: EventLog, subscribed: string[], copies: Map<string, number[]>): EventLog {
  const spy = Object.create(log) as EventLog
  spy.subscribeLive = (conv, deliver) => {
    subscribed.push(conv)
    return log.subscribeLive(conv, (copy) => {
      copies.set(conv, [...(copies.get(conv) ?? []), copy.seq])
      deliver(copy)
    })
  }
  return spy
}

const seqsOf = (events: SeqlineEvent[], conv: string) => events.filter((e) => e.conv === conv).map((e) => e.seq)

describe('live copies from partition streams that republish (no writer sends any), against a real nats-server', () => {
  const t = withLogServer()

  test('each stored event reaches its conversation with its seq and stored bytes, a refused append does not, and an added user hears of the join', async () => {
    const copies: LiveCopy[] = []
    const joins: JoinNotice[] = []
    const sub = t.log.subscribeLive('g_copy', (c) => copies.push(c))
    const joinSub = t.log.subscribeJoins('ben', (j) => joins.push(j))
    t.defer(() => {
      sub.close()
      joinSub.close()
    })
    await Promise.all([sub.ready, joinSub.ready])

    // The messages come from a writer that never copies: their copies can only be the stream's.
    const { nc, log } = await openLog(t.nats.url, { liveCopies: false })
    t.defer(async () => {
      log.close()
      await nc.close()
    })
    const silent = new CommandHandler(log, createDecider())
    await createGroup(t.handler, 'g_copy', 'ann', ['ben'])
    const first = await accepted(silent, text('c1', 'g_copy', 'ann'))
    // Decided against a stale head: refused by the log, so never stored and never copied.
    const stale = { ...first.event!, id: 'staleEventStaleEvent00', seq: 2, cmd: 'stale' } as SeqlineEvent
    assert.equal((await t.log.append(stale, { seq: 1, streamSeq: 1 }, 'stale-msg')).status, 'conflict')
    const second = await accepted(silent, text('c2', 'g_copy', 'ann'))
    await waitFor(() => copies.some((c) => c.seq === second.seq), 5_000, 'the last copy')

    assert.deepEqual(
      copies.map((c) => c.seq),
      [1, 2, 3],
      'one copy per stored event, in order',
    )
    assert.deepEqual(decodeEvent(copies[1]!.body), first.event, 'a copy is the stored event')
    assert.ok(!copies.some((c) => decodeEvent(c.body).id === stale.id), 'the refused append was not copied')
    assert.deepEqual(joins, [{ conv: 'g_copy', seq: 1 }], 'ben hears of the group that added him, and of nothing else')
  })
})

describe('live delivery by interest, over partition streams made without republish, against a real nats-server', () => {
  // Writers send the copies themselves here; a second writer that sends none stands for copies lost on the way.
  const t = withLogServer({ republish: false })

  async function silentWriter(): Promise<CommandHandler> {
    const { nc, log } = await openLog(t.nats.url, { republish: false, liveCopies: false })
    t.defer(async () => {
      log.close()
      await nc.close()
    })
    return new CommandHandler(log, createDecider())
  }

  test('a process subscribes to its sockets’ conversations only; an invited user’s conversation is subscribed from the join on', async () => {
    const subscribed: string[] = []
    const copies = new Map<string, number[]>()
    const hub = new Hub(interestRecording(t.log, subscribed, copies), new Signals(t.nc), undefined, undefined, { liveDelivery: 'interest' })
    await hub.start()
    t.defer(() => hub.stop())
    const annGot: SeqlineEvent[] = []
    const carlGot: SeqlineEvent[] = []
    const ann = target(() => hub, 'ann', annGot)
    const carl = target(() => hub, 'carl', carlGot)
    hub.add(ann)
    hub.add(carl)
    // As a session does before it reads its memberships: from here on, joins of these users are announced.
    await hub.seedPoint('ann')
    await hub.seedPoint('carl')

    await createGroup(t.handler, 'g_mine', 'ann', ['ben'])
    await createGroup(t.handler, 'g_other', 'dan', ['eve'])
    for (let i = 0; i < 5; i++) await accepted(t.handler, text(`o${i}`, 'g_other', 'dan'))
    const mine = await accepted(t.handler, text('m0', 'g_mine', 'ben'))
    await waitFor(() => annGot.some((e) => e.seq === mine.seq), 5_000, "ann's message live")
    assert.deepEqual(subscribed, ['g_mine'], 'only the conversation of a local socket is subscribed')

    const invite = await accepted(t.handler, { type: 'group.invite', id: 'inv', conv: 'g_other', actor: 'dan', data: { users: ['carl'] } })
    // Its copy went out before the process subscribed: the invite itself is read from the log once the subscription stands.
    await waitFor(() => carlGot.some((e) => e.seq === invite.seq), 5_000, "carl's invite, before anything follows it")
    const after = await accepted(t.handler, text('o-after', 'g_other', 'eve'))
    await waitFor(() => carlGot.some((e) => e.seq === after.seq), 5_000, "the message after carl's invite, live to carl")
    assert.deepEqual(
      carlGot.map((e) => `${e.seq} ${e.type}`),
      [`${invite.seq} member.invited`, `${after.seq} message.sent`],
      'carl gets his invite and what follows, nothing from before',
    )
    assert.ok(!(copies.get('g_other') ?? []).some((seq) => seq < invite.seq), 'no copy of g_other from before the invite reached this process')
    assert.deepEqual(
      annGot.map((e) => `${e.conv} ${e.seq}`),
      ['g_mine 1', `g_mine ${mine.seq}`],
      'ann gets her group, from its creation on, and nothing else',
    )
  })

  test('events whose copies never came are read from the log: before a later copy, in order, and by the periodic check when none follows', async () => {
    const silent = await silentWriter()
    const hub = new Hub(t.log, new Signals(t.nc), undefined, undefined, { liveDelivery: 'interest', liveCheckMs: 200 })
    await hub.start()
    t.defer(() => hub.stop())
    const got: SeqlineEvent[] = []
    const ann = target(() => hub, 'ann', got)
    hub.add(ann)
    // Indexed before the group exists: its creation comes as a copy too, and ann's own join notice finds it watched.
    hub.index(ann, 'g_gap', true, 0)
    await createGroup(t.handler, 'g_gap', 'ann', ['ben'])

    const copied = await accepted(t.handler, text('g1', 'g_gap', 'ben'))
    await waitFor(() => got.some((e) => e.seq === copied.seq), 5_000, 'the first copy')
    await accepted(silent, text('g2', 'g_gap', 'ben'))
    await accepted(silent, text('g3', 'g_gap', 'ben'))
    const next = await accepted(t.handler, text('g4', 'g_gap', 'ben'))
    await waitFor(() => got.some((e) => e.seq === next.seq), 5_000, 'the copy after the gap')
    assert.deepEqual(seqsOf(got, 'g_gap'), [1, 2, 3, 4, 5], 'the gap was read in before the copy that showed it, each event once')

    const last = await accepted(silent, text('g5', 'g_gap', 'ben'))
    await waitFor(() => got.some((e) => e.seq === last.seq), 5_000, 'the last event, found by the periodic check')
    assert.deepEqual(seqsOf(got, 'g_gap'), [1, 2, 3, 4, 5, 6], 'the trailing event without a copy, once')

    // A copy of an event already delivered (late, or sent twice) is dropped; it leaves before the next copy on this connection.
    const [old] = await t.log.read('g_gap', { from: 3, limit: 1 })
    const headers = natsHeaders()
    headers.set(SEQ_HEADER, '3')
    t.nc.publish(liveSubjectOf(t.log.names, 'g_gap'), new TextEncoder().encode(JSON.stringify(old!.event)), { headers })
    // Nor does a publish whose header names the next seq but holds another event: taken, it would stand in for the real one.
    const forged = natsHeaders()
    forged.set(SEQ_HEADER, String(last.seq + 1))
    t.nc.publish(liveSubjectOf(t.log.names, 'g_gap'), new TextEncoder().encode(JSON.stringify(old!.event)), { headers: forged })
    const final = await accepted(t.handler, text('g6', 'g_gap', 'ben'))
    await waitFor(() => got.some((e) => e.seq === final.seq), 5_000, 'the copy after the repeated and the forged one')
    assert.deepEqual(seqsOf(got, 'g_gap'), [1, 2, 3, 4, 5, 6, 7], 'the repeated copy and the forged one were dropped')
  })

  test('after a nats-server restart, what live delivery missed is read from the log: in order, once', async () => {
    const silent = await silentWriter()
    const hub = new Hub(t.log, new Signals(t.nc), undefined, undefined, { liveDelivery: 'interest', liveCheckMs: 600_000 })
    await hub.start()
    t.defer(() => hub.stop())
    const got: SeqlineEvent[] = []
    const ann = target(() => hub, 'ann', got)
    hub.add(ann)
    hub.index(ann, 'g_restart', true, 0)
    await createGroup(t.handler, 'g_restart', 'ann', ['ben'])
    const before = await accepted(t.handler, text('r1', 'g_restart', 'ben'))
    await waitFor(() => got.some((e) => e.seq === before.seq), 5_000, 'the copy before the restart')

    // No copy and no later event: only the recheck after the connection came back can find it.
    const missed = await accepted(silent, text('r2', 'g_restart', 'ben'))
    const reconnected = waitForStatus(t.nc, 'reconnect')
    await t.nats.restart()
    await reconnected
    await waitFor(() => got.some((e) => e.seq === missed.seq), 10_000, 'the event without a copy, after the reconnect')
    const after = await accepted(t.handler, text('r3', 'g_restart', 'ben'))
    await waitFor(() => got.some((e) => e.seq === after.seq), 10_000, 'the copy after the restart')
    assert.deepEqual(seqsOf(got, 'g_restart'), [1, 2, missed.seq, after.seq], 'in order, once each')
  })
})

async function waitForStatus(nc: { status(): AsyncIterable<{ type: string }> }, type: string): Promise<void> {
  for await (const s of nc.status()) if (s.type === type) return
}
