// Retention policies and user erasure must leave no byte of the erased text
// anywhere: not in nats-server's files or any stream message, not in chDB's
// directory, not in the ClickHouse server's — within 60 s, with every seq
// of each conversation present or explained by a tombstone. Time is moved by
// an injected clock (messages are written "40 days ago"), never waited for.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider, DAY_MS } from '../../core/domain/index.js'
import { HistoryDb, HistorySink } from '../../projections/history/index.js'
import { AuditLog, type AuditRecord, RetentionSettings, RetentionSweeper, UserErasure } from '../../projections/retention/index.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { startTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js'
import { sinkCaughtUp } from '../helpers/history.js'
import { accepted, auditVerified, withLogServer } from '../helpers/log.js'
import { holding, messagesContaining, untilNoneFound, wordMarker } from '../helpers/store-scan.js'

const ERASED_WITHIN_MS = 60_000
const POLL_MS = 250

describe('retention and user erasure leave no byte of the erased text, on nats-server, chDB and a ClickHouse server', () => {
  const t = withLogServer()
  let s: ApiStack
  let jsm: JetStreamManager
  let server: TestClickHouse
  let chdbDir: string
  let audit: AuditLog
  let sweeper: RetentionSweeper
  let erasure: UserErasure
  const sinks: HistorySink[] = []
  /** Where the clock stands relative to now: events are written in the past by moving it back. */
  let shift = 0
  const clock = () => Date.now() + shift
  let handler: CommandHandler
  let n = 0

  before(async () => {
    chdbDir = mkdtempSync(join(tmpdir(), 'seqline-retention-chdb-'))
    server = await startTestClickHouse()
    t.defer(async () => {
      await server.cleanup()
      rmSync(chdbDir, { recursive: true, force: true })
    })
    jsm = await jetstreamManager(t.nc)
    handler = new CommandHandler(t.log, createDecider(), { clock })
    audit = await AuditLog.open(t.nc)
    const settings = await RetentionSettings.open(t.nc)
    s = await startApiStack(t, 'retention_views', undefined, { retention: { audit, settings } })
    t.defer(() => s.stop())
    for (const db of [await HistoryDb.open({ chdbPath: chdbDir, database: 'retention' }), await HistoryDb.open({ url: server.url, database: 'retention' })]) {
      const sink = new HistorySink(t.log, db, { flushIntervalMs: 20 })
      await sink.start()
      sinks.push(sink)
      t.defer(async () => {
        await sink.stop()
        await db.close()
      })
    }
    sweeper = new RetentionSweeper(t.log, s.views, handler, settings, { clock })
    erasure = new UserErasure(t.log, s.views, handler, audit)
    for (const user of ['amy', 'bo', 'cy', 'dee', 'eve']) assert.equal((await admin('PUT', `/v1/admin/users/${user}`, {})).statusCode, 201)
  })

  const admin = (method: string, url: string, body?: unknown) =>
    s.api.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${s.serviceToken}` },
      ...(body === undefined ? {} : { payload: body as object }),
    })
  const asUser = async (user: string, method: string, url: string, body: unknown) =>
    s.api.app.inject({ method: method as 'PUT', url, headers: { authorization: `Bearer ${await s.token(user)}` }, payload: body as object })
  const run = (command: object) => accepted(handler, command)
  const say = async (conv: string, actor: string, text: string) =>
    (await run({ type: 'message.send', id: `m${++n}`, conv, actor, data: { content: { type: 'text', text } } })).seq
  const direct = (actor: string, peer: string) =>
    run({ type: 'conversation.create-direct', id: `d${++n}`, conv: `d~${[actor, peer].sort().join('~')}`, actor, data: { peer } })
  const group = (conv: string, owner: string, members: string[]) =>
    run({ type: 'group.create', id: `g${++n}`, conv, actor: owner, data: { name: conv, members } })

  /** Everything written has reached the views, both history stores, and the erase reactor. */
  async function settled() {
    await s.settle()
    for (const sink of sinks) await sinkCaughtUp(sink)
  }

  /** Every raw store: nats-server's directory, chDB's, the ClickHouse server's; and every stream message. */
  async function stored(markers: string[]): Promise<string[]> {
    const found: string[] = []
    for (const root of [t.nats.dir, chdbDir, server.dir]) for (const [file, held] of await holding(root, markers)) found.push(`${file}: ${held.join(', ')}`)
    for (const f of await messagesContaining(jsm, markers)) found.push(`${f.where}: ${f.marker}`)
    return found
  }

  /**
   * Each marker is held in the log's files, in chDB's and in the server's: the
   * scans see stored text. The original of an edited message is checked in the
   * log only: the history keeps a message's newest version, and a merge may
   * already have dropped the older one.
   */
  async function heldEverywhere(markers: string[], editedOriginals: string[] = []) {
    const versioned = markers.filter((m) => !editedOriginals.includes(m))
    for (const [root, name, expected] of [
      [t.nats.dir, 'nats-server', markers],
      [chdbDir, 'chDB', versioned],
      [server.dir, 'the ClickHouse server', versioned],
    ] as const) {
      const held = new Set([...(await holding(root, expected)).values()].flat())
      for (const m of expected) assert.ok(held.has(m), `${m} is not in ${name}'s files`)
    }
  }

  async function goneWithin(markers: string[], since: number) {
    const left = await untilNoneFound(async () => (await stored(markers)).map((where) => ({ where, marker: '' })), since + ERASED_WITHIN_MS, POLL_MS)
    assert.deepEqual(
      left.map((f) => f.where),
      [],
      `erased text still stored ${Math.round((Date.now() - since) / 1000)} s after the erasure`,
    )
  }

  /** The conversation's seqs are dense (present, or erased by a tombstone that names them) and its hash chain verifies across them. */
  async function dense(conv: string) {
    const v = await auditVerified(t.log, conv)
    assert.ok(v.ok, `${conv}: ${JSON.stringify(v)}`)
    assert.equal(v.records, v.erased.length, `${conv}: every erased seq has its chain record`)
    return v
  }

  test('retention: content older than its policy goes, per-conversation policies beat the defaults, younger content stays', { timeout: 180_000 }, async () => {
    const old = { direct: wordMarker('olddirect'), edit: wordMarker('oldedit'), reply: wordMarker('oldreply'), short: wordMarker('shortpolicy') }
    const kept = { long: wordMarker('longpolicy'), young: wordMarker('young') }
    const defaults = await admin('PUT', '/v1/admin/retention', { direct: 30, group: 30 })
    assert.equal(defaults.statusCode, 200, defaults.body)
    assert.deepEqual((await admin('GET', '/v1/admin/retention')).json(), { direct: 30, group: 30 })

    shift = -40 * DAY_MS
    await direct('amy', 'bo')
    const first = await say('d~amy~bo', 'amy', `keep this quiet ${old.direct}`)
    await run({
      type: 'message.edit',
      id: `e${++n}`,
      conv: 'd~amy~bo',
      actor: 'amy',
      data: { target: first, content: { type: 'text', text: `or rather ${old.edit}` } },
    })
    await say('d~amy~bo', 'bo', `sure ${old.reply}`)
    await group('g_long', 'amy', ['bo'])
    await say('g_long', 'amy', `for the records ${kept.long}`)
    shift = -20 * DAY_MS
    await group('g_short', 'amy', ['bo'])
    await say('g_short', 'amy', `short lived ${old.short}`)
    shift = -1 * DAY_MS
    await say('d~amy~bo', 'amy', `yesterday ${kept.young}`)
    shift = 0
    // The conversations' own policies: 60 days (longer than the default) by the service, 10 (shorter) by the group's owner.
    assert.equal((await admin('PUT', '/v1/admin/conversations/g_long/retention', { id: 'long', days: 60 })).statusCode, 200)
    assert.equal((await asUser('amy', 'PUT', '/v1/groups/g_short/retention', { id: 'short', days: 10 })).statusCode, 200)
    const member = await asUser('bo', 'PUT', '/v1/groups/g_short/retention', { id: 'not-owner', days: 1000 })
    assert.deepEqual([member.statusCode, member.json().error.code], [403, 'FORBIDDEN_ROLE'])
    await settled()
    await heldEverywhere([...Object.values(old), ...Object.values(kept)], [old.direct])

    const at = Date.now()
    assert.equal(await sweeper.pass(), 3, 'the two old messages of the direct conversation and the one of g_short')
    await settled()
    await goneWithin(Object.values(old), at)
    await heldEverywhere(Object.values(kept))

    const v = await dense('d~amy~bo')
    assert.deepEqual(v.erased, [first, first + 1, first + 2], 'the message, its edit and the reply are holes, explained')
    assert.deepEqual(
      v.tombstones.map((ts) => [ts.how, ts.target, ts.edits]),
      [
        ['retention', first, [first + 1]],
        ['retention', first + 2, []],
      ],
    )
    assert.equal((await dense('g_short')).erased.length, 1)
    assert.deepEqual((await dense('g_long')).erased, [], 'its own 60 days keep a 40-day-old message')
    assert.equal(await sweeper.pass(), 0, 'a second sweep finds nothing left to erase')
    const row = (await s.views.inbox('bo')).find((r) => r.conv === 'g_short')
    assert.equal(row?.last?.preview, '[erased]')
  })

  test('user erasure: every message the user sent, in a direct conversation and in a group they left, and nothing of anyone else', {
    timeout: 180_000,
  }, async () => {
    const dee = { direct: wordMarker('deedirect'), edit: wordMarker('deeedit'), group: wordMarker('deegroup') }
    const others = { bo: wordMarker('boreply'), cy: wordMarker('cystays') }
    await direct('bo', 'dee')
    const sent = await say('d~bo~dee', 'dee', `my number ${dee.direct}`)
    const edit = await run({
      type: 'message.edit',
      id: `e${++n}`,
      conv: 'd~bo~dee',
      actor: 'dee',
      data: { target: sent, content: { type: 'text', text: `new number ${dee.edit}` } },
    })
    await say('d~bo~dee', 'bo', `noted ${others.bo}`)
    await group('g_left', 'amy', ['dee', 'cy'])
    const inGroup = await say('g_left', 'dee', `bye all ${dee.group}`)
    await say('g_left', 'cy', `bye dee ${others.cy}`)
    const left = await run({ type: 'group.leave', id: `l${++n}`, conv: 'g_left', actor: 'dee', data: {} })
    await settled()
    await heldEverywhere([...Object.values(dee), ...Object.values(others)], [dee.direct])

    // The export: exactly dee's memberships and messages.
    const exported = await admin('GET', '/v1/admin/users/dee/export')
    assert.equal(exported.statusCode, 200)
    const lines = exported.body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
    assert.deepEqual(
      lines.filter((l) => l.kind === 'membership'),
      [
        { kind: 'membership', conv: 'd~bo~dee', conversation: 'direct', since: 1 },
        { kind: 'membership', conv: 'g_left', conversation: 'group', since: 1, left: left.seq, leftAt: left.event!.at },
      ],
    )
    assert.deepEqual(
      lines.filter((l) => l.kind === 'message').map((l) => `${l.event.conv}#${l.event.seq} ${l.event.type} ${l.event.actor}`),
      [`d~bo~dee#${sent} message.sent dee`, `d~bo~dee#${edit.seq} message.edited dee`, `g_left#${inGroup} message.sent dee`],
    )

    await erasure.start(t.nc)
    t.defer(() => erasure.stop())
    const at = Date.now()
    const answer = await admin('POST', '/v1/admin/users/dee/erase')
    assert.equal(answer.statusCode, 200, answer.body)
    const body = answer.json()
    assert.deepEqual(
      [body.status, body.user, body.messages, body.conversations],
      [
        'completed',
        'dee',
        2,
        [
          { conv: 'd~bo~dee', messages: 1 },
          { conv: 'g_left', messages: 1 },
        ],
      ],
    )
    await settled()
    await goneWithin(Object.values(dee), at)
    await heldEverywhere(Object.values(others))
    assert.deepEqual((await dense('d~bo~dee')).erased, [sent, edit.seq])
    assert.deepEqual((await dense('g_left')).erased, [inGroup])

    const after = (await admin('GET', '/v1/admin/users/dee/export')).body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
    assert.deepEqual(
      after.map((l) => l.kind),
      ['membership', 'membership'],
      'the memberships stay; no message is left to export',
    )
    const trail = (await admin('GET', `/v1/admin/audit?request=${body.request}`)).body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditRecord)
    assert.deepEqual(
      trail.map((r) => [r.action, r.user]),
      [
        ['user.erasure-requested', 'dee'],
        ['user.erasure-completed', 'dee'],
      ],
    )
    const actions = (await admin('GET', '/v1/admin/audit')).body
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as AuditRecord).action)
    for (const action of ['retention.defaults-set', 'user.exported']) assert.ok(actions.includes(action as AuditRecord['action']), `${action} audited`)
    const again = (await admin('POST', '/v1/admin/users/dee/erase')).json()
    assert.deepEqual([again.status, again.messages], ['completed', 0], 'erasing again erases nothing more')
  })

  test('a user erasure cut short by a crash is finished from its durable request', { timeout: 180_000 }, async () => {
    const eve = { direct: wordMarker('evedirect'), group: wordMarker('evegroup') }
    await direct('bo', 'eve')
    const first = await say('d~bo~eve', 'eve', `first ${eve.direct}`)
    await group('g_eve', 'amy', ['eve'])
    await say('g_eve', 'eve', `second ${eve.group}`)
    await settled()
    await erasure.stop()
    // The request was recorded, and the worker erased one conversation before it died.
    const request = await UserErasure.request(audit, 'eve')
    await run({
      type: 'content.erase',
      id: `erase-${request}-${first}-${first}`,
      conv: 'd~bo~eve',
      actor: SYSTEM_ACTOR,
      data: { reason: 'user-erasure', user: 'eve', request, targets: [first] },
    })
    assert.equal((await admin('GET', `/v1/admin/audit?request=${request}`)).body.split('\n').filter(Boolean).length, 1, 'requested, not completed')

    const at = Date.now()
    await erasure.start(t.nc)
    const pending = await admin('POST', '/v1/admin/users/nobody-at-all/erase')
    assert.equal(pending.statusCode, 404)
    const done = await untilNoneFound(
      async () => ((await audit.find('user.erasure-completed', request)) ? [] : [{ where: 'pending', marker: '' }]),
      at + 30_000,
    )
    assert.deepEqual(done, [], 'the restarted worker completed the request')
    await settled()
    await goneWithin(Object.values(eve), at)
    await dense('d~bo~eve')
    await dense('g_eve')
  })

  test('bad input is refused with a stable code naming the field', async () => {
    const cases: Array<[string, string, unknown, number, string, string]> = [
      ['PUT', '/v1/admin/retention', { direct: 0, group: null }, 400, 'VALIDATION_FAILED', '/body/direct'],
      ['PUT', '/v1/admin/retention', { direct: 1.5, group: 30 }, 400, 'VALIDATION_FAILED', '/body/direct'],
      ['PUT', '/v1/admin/retention', { direct: 30 }, 400, 'VALIDATION_FAILED', '/body/group'],
      ['PUT', '/v1/admin/conversations/g_long/retention', { id: 'bad', days: 36_501 }, 400, 'VALIDATION_FAILED', '/body/days'],
      ['PUT', '/v1/admin/conversations/g_nowhere/retention', { id: 'gone', days: 5 }, 404, 'CONVERSATION_NOT_FOUND', '-'],
      ['POST', '/v1/admin/users/zed/erase', undefined, 404, 'USER_NOT_FOUND', ''],
      ['POST', '/v1/admin/users/amy/erase?wait=1000', undefined, 400, 'VALIDATION_FAILED', '/querystring/wait'],
      ['GET', '/v1/admin/users/zed/export', undefined, 404, 'USER_NOT_FOUND', ''],
      ['GET', '/v1/admin/audit?request=no.dots', undefined, 400, 'VALIDATION_FAILED', '/querystring/request'],
    ]
    for (const [method, url, body, status, code, field] of cases) {
      const r = await admin(method, url, body)
      const what = `${method} ${url} ${JSON.stringify(body)} → ${r.statusCode} ${r.body}`
      assert.deepEqual([r.statusCode, r.json().error.code], [status, code], what)
      if (field.startsWith('/'))
        assert.ok(
          r.json().error.details.errors.some((e: { field: string }) => e.field === field),
          what,
        )
      else if (field === '') assert.match(r.json().error.message, /zed/, what)
    }
  })
})
