import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { BurnExecutor, ConversationViews } from '../../projections/conversations/index.js'
import { CHUNK } from '../../projections/conversations/message-index.js'
import { readPrefix } from '../../projections/runtime/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { auditVerified, readAll, text, withLogServer } from '../helpers/log.js'
import { caughtUp, startProjection } from '../helpers/projection.js'
import { threadWorkload } from '../helpers/threads.js'

const BUCKET = 'conv_views'

describe('conversation projections against a real nats-server', () => {
  const t = withLogServer()
  /** The projection of one test, stopped when the test ends however it ends: a failed assertion must not leave it running into the next test. */
  const projectionFor = async (c: TestContext) => {
    const runner = await startProjection(t, BUCKET)
    c.after(async () => {
      await runner.stop()
      runner.close()
    })
    return runner
  }
  const ok = async (command: unknown) => {
    const r = await t.handler.execute(command)
    assert.ok(r.ok, JSON.stringify(r))
    return r
  }

  test('unread counts stay exact under concurrent sends and reads from several users', async (c) => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']
    await ok({ type: 'group.create', id: 'create', conv: 'g_busy', actor: 'u1', data: { name: 'busy', members: users.slice(1) } })
    const runner = await projectionFor(c)
    // Each user sends and reads at random while the projection runs, from two handlers (two writers).
    const writers = [t.handler, new CommandHandler(t.log, createDecider())]
    await Promise.all(
      users.map(async (u, ui) => {
        for (let i = 0; i < 40; i++) {
          const w = writers[(ui + i) % 2]!
          const done = async (command: unknown) => assert.ok((await w.execute(command)).ok, JSON.stringify(command))
          if (Math.random() < 0.7) await done(text(`${u}-${i}`, 'g_busy', u))
          else {
            const head = (await t.log.head('g_busy')).seq
            await done({
              type: 'conversation.read',
              id: `${u}-r${i}`,
              conv: 'g_busy',
              actor: u,
              data: { upTo: Math.max(1, head - Math.floor(Math.random() * 5)) },
            })
          }
        }
      }),
    )
    await ok({ type: 'message.recall', id: 'recall-1', conv: 'g_busy', actor: 'u1', data: { target: (await firstMessageBy(t.log, 'g_busy', 'u2'))! } })
    await caughtUp(runner)
    const events = (await readAll(t.log, 'g_busy')).map((s) => s.event)
    const views = await ConversationViews.open(t.nc, BUCKET)
    for (const u of users) {
      const [row] = await views.inbox(u)
      assert.equal(row?.conv, 'g_busy')
      assert.deepEqual([row.readSeq, row.unread], expectedUnread(events, u), u)
    }
  })

  test('a full rebuild from zero gives the very same views as the incremental run', async (c) => {
    const runner = await projectionFor(c)
    await ok({ type: 'group.create', id: 'create', conv: 'g_rebuild', actor: 'ann', data: { name: 'r', members: ['ben', 'cat'] } })
    await ok({ ...text('r1', 'g_rebuild', 'ben'), data: { content: { type: 'text', text: '@cat look' }, mentions: { users: ['cat'] } } })
    await ok({ type: 'message.edit', id: 'e1', conv: 'g_rebuild', actor: 'ben', data: { target: 2, content: { type: 'text', text: '@cat look!' } } })
    await ok({ type: 'member.mute', id: 'mute-1', conv: 'g_rebuild', actor: 'ann', data: { user: 'cat', seconds: 600 } })
    await ok({ type: 'group.kick', id: 'kick-1', conv: 'g_rebuild', actor: 'ann', data: { user: 'ben' } })
    // A channel: member records, subscriber reads and the view-count nodes they move.
    await ok({ type: 'channel.create', id: 'create', conv: 'c_rebuild', actor: 'ann', data: { name: 'c', subscribers: ['ben', 'cat'], joinable: true } })
    await ok({ type: 'group.join', id: 'join-dan', conv: 'c_rebuild', actor: 'dan', data: {} })
    for (let i = 1; i <= 3; i++) await ok(text(`p${i}`, 'c_rebuild', 'ann'))
    await ok({ type: 'conversation.read', id: 'r-ben', conv: 'c_rebuild', actor: 'ben', data: { upTo: 4 } })
    await ok({ type: 'conversation.read', id: 'r-dan', conv: 'c_rebuild', actor: 'dan', data: { upTo: 5 } })
    await ok({ type: 'group.leave', id: 'leave-cat', conv: 'c_rebuild', actor: 'cat', data: {} })
    // Reactions and pins: aggregates, reactor lists, each reactor's own keys, the pinned list; a recall takes its share away.
    const r2 = (await ok(text('r2', 'g_rebuild', 'ann'))).seq
    for (const [id, actor, target, key] of [
      ['ra1', 'cat', 2, '👍'],
      ['ra2', 'ann', 2, '👍'],
      ['ra3', 'ann', r2, 'tada'],
      ['ra4', 'cat', r2, 'tada'],
    ] as const) {
      await ok({ type: 'reaction.add', id, conv: 'g_rebuild', actor, data: { target, key } })
    }
    await ok({ type: 'reaction.remove', id: 'rr1', conv: 'g_rebuild', actor: 'cat', data: { target: 2, key: '👍' } })
    await ok({ type: 'message.pin', id: 'p1', conv: 'g_rebuild', actor: 'ann', data: { target: 2 } })
    await ok({ type: 'message.pin', id: 'p2', conv: 'g_rebuild', actor: 'ann', data: { target: r2 } })
    await ok({ type: 'message.recall', id: 'rc1', conv: 'g_rebuild', actor: 'ann', data: { target: r2 } })
    await ok({ type: 'group.invite', id: 'invite-dan', conv: 'g_rebuild', actor: 'ann', data: { users: ['dan'] } })
    const root = (await t.log.head('g_rebuild')).seq + 1
    await threadWorkload(ok, t.log, 'g_rebuild', 'ann', 'dan')
    await caughtUp(runner)
    const incremental = await readPrefix(t.nc, BUCKET, '')
    assert.ok(
      [...incremental.keys()].some((k) => k.startsWith('v.c_rebuild.')),
      'view-count nodes are among the views',
    )
    await runner.rebuild()
    await caughtUp(runner)
    const rebuilt = await readPrefix(t.nc, BUCKET, '')
    assert.ok(incremental.size >= 9, `only ${incremental.size} records`)
    assert.deepEqual([...incremental.keys()].filter((k) => k.startsWith('t')).sort(), [
      `t.g_rebuild.${root}`,
      `tl.g_rebuild.${root}.0`,
      // The one live reply left: the second (the first is recalled, the third erased).
      `tp.g_rebuild.${root + 2}`,
      'tr.g_rebuild.0',
    ])
    assert.deepEqual(rebuilt, incremental)
  })

  test('inbox rows follow membership, mutes, mentions, edits and recalls', async (c) => {
    const runner = await projectionFor(c)
    await ok({ type: 'group.create', id: 'create', conv: 'g_rows', actor: 'olga', data: { name: 'rows', members: ['pia', 'quinn'], admins: ['pia'] } })
    await ok({ ...text('m1', 'g_rows', 'olga'), data: { content: { type: 'text', text: 'hello all' }, mentions: { all: true } } })
    await ok(text('m2', 'g_rows', 'pia', 'second'))
    await ok({ type: 'message.edit', id: 'e2', conv: 'g_rows', actor: 'pia', data: { target: 3, content: { type: 'text', text: 'second, edited' } } })
    await ok({ type: 'member.mute', id: 'mute-q', conv: 'g_rows', actor: 'pia', data: { user: 'quinn', seconds: 3600 } })
    await ok({ type: 'group.kick', id: 'kick-q', conv: 'g_rows', actor: 'olga', data: { user: 'quinn' } })
    await ok(text('m3', 'g_rows', 'olga', 'after the kick'))
    await ok({ type: 'message.recall', id: 'rc3', conv: 'g_rows', actor: 'olga', data: { target: 7 } })
    await caughtUp(runner)
    const views = await ConversationViews.open(t.nc, BUCKET)
    const quinn = (await views.inbox('quinn')).find((r) => r.conv === 'g_rows')!
    assert.equal(quinn.left, 6, 'the kicked member keeps the conversation, frozen at the kick')
    assert.equal(quinn.maxSeq, 6)
    assert.equal(quinn.unread, 2)
    assert.equal(quinn.mentioned, true)
    assert.equal(quinn.last?.preview, 'second, edited')
    assert.ok(quinn.mutedUntil > Date.now())
    await ok({ type: 'group.invite', id: 'back-q', conv: 'g_rows', actor: 'olga', data: { users: ['quinn'] } })
    await caughtUp(runner)
    const quinnAgain = await views.member('g_rows', 'quinn')
    assert.ok(quinnAgain!.mutedUntil > Date.now(), 'the mute is still shown after rejoining')
    const pia = (await views.inbox('pia')).find((r) => r.conv === 'g_rows')!
    assert.deepEqual([pia.unread, pia.mentioned, pia.last?.preview, pia.last?.state], [0, false, '[recalled]', 'recalled'])
  })

  test('a recall that opens a new message-index chunk keeps unread exact', async (c) => {
    await ok({ type: 'group.create', id: 'create', conv: 'g_chunk', actor: 'ann', data: { name: 'chunk', members: ['ben'] } })
    for (let i = 2; i < CHUNK; i++) await ok(text(`c${i}`, 'g_chunk', 'ann'))
    const recall = await ok({ type: 'message.recall', id: 'rc', conv: 'g_chunk', actor: 'ann', data: { target: CHUNK - 96 } })
    assert.equal(recall.seq, CHUNK, 'the recall is the first event of the second chunk')
    await ok({ type: 'conversation.read', id: 'ben-read', conv: 'g_chunk', actor: 'ben', data: { upTo: CHUNK } })
    await ok(text('after', 'g_chunk', 'ann'))
    const runner = await projectionFor(c)
    await caughtUp(runner)
    const [row] = (await (await ConversationViews.open(t.nc, BUCKET)).inbox('ben')).filter((r) => r.conv === 'g_chunk')
    assert.deepEqual([row?.readSeq, row?.unread], [CHUNK, 1])
  })

  test('receipts in a 1,000-member group name exactly who has read a message', async (c) => {
    const members = Array.from({ length: 999 }, (_, i) => `m${i}`)
    await ok({ type: 'group.create', id: 'create', conv: 'g_big', actor: 'boss', data: { name: 'big', members, joinable: true } })
    const sent = await ok(text('big-1', 'g_big', 'm5'))
    await ok(text('big-2', 'g_big', 'boss'))
    const readers = new Set(members.filter((_, i) => i % 3 === 0))
    await Promise.all([...readers].map((u) => ok({ type: 'conversation.read', id: `read-${u}`, conv: 'g_big', actor: u, data: { upTo: sent.seq } })))
    // A member who joined after the message is in no receipt of it.
    await ok({ type: 'group.join', id: 'late', conv: 'g_big', actor: 'latecomer', data: {} })
    const later = await ok(text('big-3', 'g_big', 'boss'))
    const runner = await projectionFor(c)
    await caughtUp(runner)
    const views = await ConversationViews.open(t.nc, BUCKET)
    const r = await views.receipt('g_big', sent.seq)
    const expectedRead = new Set([...readers, 'm5', 'boss'])
    assert.equal(r.readBy.length + r.unreadBy.length, 1000)
    assert.ok(!r.unreadBy.includes('latecomer') && !r.readBy.includes('latecomer'), 'the latecomer joined after the message')
    // 1,001 members by then: more than one page of the default 1,000.
    assert.ok((await views.receipt('g_big', later.seq, { limit: 2000 })).unreadBy.includes('latecomer'), 'a message after the join counts the latecomer')
    assert.deepEqual(r.readBy, [...expectedRead].sort())
    assert.deepEqual(r.unreadBy, ['boss', ...members].filter((u) => !expectedRead.has(u)).sort())
  })

  test('burn after read: one tombstone, and the content is gone from JetStream and every view', async (c) => {
    const runner = await projectionFor(c)
    const conv = 'd~alice~bob'
    await ok({ type: 'conversation.create-direct', id: 'create', conv, actor: 'alice', data: { peer: 'bob' } })
    await ok({ type: 'burn.configure', id: 'burn-on', conv, actor: 'alice', data: { enabled: true, seconds: 1 } })
    const secret = await ok(text('secret', conv, 'alice', 'the secret'))
    const edit = await ok({
      type: 'message.edit',
      id: 'secret-2',
      conv,
      actor: 'alice',
      data: { target: secret.seq, content: { type: 'text', text: 'the secret, edited' } },
    })
    const stored = await t.log.read(conv, { from: secret.seq, limit: 2 })
    assert.deepEqual(
      stored.map((s) => s.event.seq),
      [secret.seq, edit.seq],
    )
    await ok({ type: 'conversation.read', id: 'bob-read', conv, actor: 'bob', data: { upTo: edit.seq } })
    await caughtUp(runner)
    const views = await ConversationViews.open(t.nc, BUCKET)
    let now = Date.now()
    const executors = [
      new BurnExecutor(views, t.handler, { clock: () => now }),
      new BurnExecutor(views, new CommandHandler(t.log, createDecider()), { clock: () => now }),
    ]
    assert.equal(await executors[0]!.pass(), 0, 'not due before burn-seconds have passed')
    now += 1500
    await Promise.all(executors.map((x) => x.pass()))
    await caughtUp(runner)
    const events = (await readAll(t.log, conv)).map((s) => s.event)
    const tombstones = events.filter((e) => e.type === 'message.burned')
    assert.equal(tombstones.length, 1, `exactly one tombstone from two executors: ${JSON.stringify(tombstones)}`)
    assert.deepEqual(tombstones[0]!.data, { target: secret.seq, edits: [edit.seq] }, 'the tombstone names every seq it erases')
    assert.ok(!events.some((e) => e.seq === secret.seq || e.seq === edit.seq), 'original and edit are not readable by range')
    const partition = t.log.partitionOf(conv)
    for (const s of stored) assert.equal(await t.log.atStreamSeq(partition, s.streamSeq), null, 'nor by direct get of the stream seq')
    const everything = JSON.stringify([...(await readPrefix(t.nc, BUCKET, ''))])
    assert.ok(!everything.includes('the secret'), 'no view holds the content')
    const [row] = await views.inbox('bob')
    assert.deepEqual([row?.last?.state, row?.last?.preview, row?.unread], ['burned', '[burned]', 0])
    assert.equal(await executors[0]!.pass(), 0, 'nothing left to burn')
  })

  test('a burn tombstone that names no edits (written before tombstones named them) still erases the edits, found in the log', async (c) => {
    const runner = await projectionFor(c)
    const conv = 'd~old~tomb'
    await ok({ type: 'conversation.create-direct', id: 'create', conv, actor: 'old', data: { peer: 'tomb' } })
    await ok({ type: 'burn.configure', id: 'burn-on', conv, actor: 'old', data: { enabled: true, seconds: 1 } })
    const secret = await ok(text('secret', conv, 'old', 'an old secret'))
    const edit = await ok({
      type: 'message.edit',
      id: 'secret-2',
      conv,
      actor: 'old',
      data: { target: secret.seq, content: { type: 'text', text: 'an old secret, edited' } },
    })
    await ok(text('other', conv, 'tomb', 'an unrelated reply'))
    const stored = await t.log.read(conv, { from: secret.seq, limit: 3 })
    const head = await t.log.head(conv)
    const tombstone = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      type: 'message.burned',
      conv,
      seq: head.seq + 1,
      at: Date.now(),
      actor: SYSTEM_ACTOR,
      v: 1,
      cmd: 'burn-old',
      data: { target: secret.seq },
    } as SeqlineEvent
    await t.log.append(tombstone, head, `${conv}/${SYSTEM_ACTOR}/burn-old`)
    await caughtUp(runner)
    const partition = t.log.partitionOf(conv)
    const left = await Promise.all(stored.map(async (s) => [s.event.seq, (await t.log.atStreamSeq(partition, s.streamSeq)) !== null]))
    assert.deepEqual(
      left,
      [
        [secret.seq, false],
        [edit.seq, false],
        [secret.seq + 2, true],
      ],
      'the message and its edit are erased; the reply stays',
    )
  })

  test('the inbox preview is read from the log; a recall with erase erases the message and its edits there, and drops its burn', async (c) => {
    const runner = await projectionFor(c)
    const conv = 'd~cara~dan'
    await ok({ type: 'conversation.create-direct', id: 'create', conv, actor: 'cara', data: { peer: 'dan' } })
    await ok({ type: 'burn.configure', id: 'burn-on', conv, actor: 'cara', data: { enabled: true, seconds: 60 } })
    const secret = await ok(text('secret', conv, 'cara', 'cara secret'))
    const edit = await ok({
      type: 'message.edit',
      id: 'secret-2',
      conv,
      actor: 'cara',
      data: { target: secret.seq, content: { type: 'text', text: 'cara secret, edited' } },
    })
    await ok({ type: 'conversation.read', id: 'dan-read', conv, actor: 'dan', data: { upTo: edit.seq } })
    await caughtUp(runner)
    const views = await ConversationViews.open(t.nc, BUCKET)
    const rowOf = async () => (await views.inbox('dan')).find((r) => r.conv === conv)
    assert.deepEqual([(await rowOf())?.last?.state, (await rowOf())?.last?.preview], ['edited', 'cara secret, edited'])
    assert.ok(!JSON.stringify([...(await readPrefix(t.nc, BUCKET, ''))]).includes('cara secret'), 'no view holds the text')
    const stored = await t.log.read(conv, { from: secret.seq, limit: 2 })
    const scheduled = async () => [...(await views.burns()).values()].some((b) => b.items.some((i) => i.seq === secret.seq && i.dueAt !== undefined))
    assert.ok(await scheduled(), 'the read scheduled the burn')

    const recall = await ok({ type: 'message.recall', id: 'erase', conv, actor: 'cara', data: { target: secret.seq, erase: true } })
    assert.deepEqual(recall.event?.data, { target: secret.seq, erase: true, edits: [edit.seq] }, 'the recall names the edits it erases')
    await caughtUp(runner)
    const partition = t.log.partitionOf(conv)
    for (const s of stored) assert.equal(await t.log.atStreamSeq(partition, s.streamSeq), null, `stream seq ${s.streamSeq} erased`)
    const verified = await auditVerified(t.log, conv)
    assert.deepEqual(
      [verified.ok, verified.erased, verified.records],
      [true, [secret.seq, edit.seq], 2],
      'the holes are explained by the recall, and the chain runs across them',
    )
    const row = await rowOf()
    assert.deepEqual([row?.last?.state, row?.last?.preview, row?.unread], ['recalled', '[recalled]', 0])
    assert.ok(!(await scheduled()), 'nothing is left to burn')
    assert.equal(await new BurnExecutor(views, t.handler, { clock: () => Date.now() + 120_000 }).pass(), 0, 'and no burn is issued')
  })
})

async function firstMessageBy(log: Parameters<typeof readAll>[0], conv: string, actor: string) {
  return (await readAll(log, conv)).find((s) => s.event.type === 'message.sent' && s.event.actor === actor)?.event.seq
}

/** Independent of the projection: [read seq, live messages from others after it], straight from the log. */
function expectedUnread(events: SeqlineEvent[], user: string): [number, number] {
  let readSeq = 1
  const gone = new Set<number>()
  for (const e of events) {
    if (e.type === 'conversation.created' || (e.type === 'member.invited' && e.data.users.includes(user))) readSeq = Math.max(readSeq, e.seq)
    if (e.type === 'conversation.read' && e.actor === user) readSeq = Math.max(readSeq, e.data.upTo)
    if (e.type === 'message.sent' && e.actor === user) readSeq = Math.max(readSeq, e.seq)
    if (e.type === 'message.recalled' || e.type === 'message.burned') gone.add(e.data.target)
  }
  const unread = events.filter((e) => e.type === 'message.sent' && e.seq > readSeq && e.actor !== user && !gone.has(e.seq)).length
  return [readSeq, unread]
}
