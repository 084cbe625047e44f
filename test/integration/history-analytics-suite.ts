// Analytics through HTTP over a small fixed data set written through the log at chosen times,
// on embedded chDB and on a real ClickHouse server. Every expected number is counted by hand
// in the table below. Asia/Shanghai is UTC+8 all year, so its day (and here its week and month)
// begins at 16:00 UTC the day before: the data straddles those boundaries.
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { HistorySink } from '../../projections/history/index.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { type BackendName, sinkCaughtUp, withHistoryBackend } from '../helpers/history.js'
import { accepted, text, withLogServer } from '../helpers/log.js'

//  UTC                    Shanghai (+8)          conv        sender
//  02-20 00:00 (Fri)      02-20 08:00            d~cy~dan    cy      opened before the range
//  02-28 20:00 (Sat)      03-01 04:00 (Sun)      g_team      amy
//  03-01 10:00 (Sun)      03-01 18:00 (Sun)      d~amy~bo    amy     opens d~amy~bo
//  03-01 10:05            03-01 18:05            d~amy~bo    amy     not a reply: the same user
//  03-01 10:20            03-01 18:20            d~amy~bo    bo      first reply after 20 min
//  03-01 12:00            03-01 20:00            d~cy~dan    dan     a reply, to a conversation opened before the range
//  03-01 15:30            03-01 23:30            d~amy~cy    cy      opens d~amy~cy
//  03-01 16:30            03-02 00:30 (Mon)      d~amy~cy    amy     first reply after 60 min
//  03-01 17:00            03-02 01:00            g_team      bo
//  03-01 17:10            03-02 01:10            g_team      @system
//  03-02 02:00 (Mon)      03-02 10:00            d~bo~dan    dan     opens d~bo~dan: never answered
//  03-05 00:00            03-05 08:00            g_team      amy     after the range
//  03-06 00:00            03-06 08:00            c_news      amy     after the range: the one channel post
// The range: from 2026-03-01T00:00:00+08:00 (= 02-28 16:00 UTC) to 2026-03-03T00:00:00+08:00 (= 03-02 16:00 UTC).
const SENT: Array<[utc: string, conv: string, sender: string]> = [
  ['2026-02-20T00:00:00Z', 'd~cy~dan', 'cy'],
  ['2026-02-28T20:00:00Z', 'g_team', 'amy'],
  ['2026-03-01T10:00:00Z', 'd~amy~bo', 'amy'],
  ['2026-03-01T10:05:00Z', 'd~amy~bo', 'amy'],
  ['2026-03-01T10:20:00Z', 'd~amy~bo', 'bo'],
  ['2026-03-01T12:00:00Z', 'd~cy~dan', 'dan'],
  ['2026-03-01T15:30:00Z', 'd~amy~cy', 'cy'],
  ['2026-03-01T16:30:00Z', 'd~amy~cy', 'amy'],
  ['2026-03-01T17:00:00Z', 'g_team', 'bo'],
  ['2026-03-01T17:10:00Z', 'g_team', SYSTEM_ACTOR],
  ['2026-03-02T02:00:00Z', 'd~bo~dan', 'dan'],
  ['2026-03-05T00:00:00Z', 'g_team', 'amy'],
  ['2026-03-06T00:00:00Z', 'c_news', 'amy'],
]
const FROM_SHANGHAI = '2026-03-01T00:00:00%2B08:00'
const FROM_UTC = '2026-02-28T16:00:00Z'
const FROM_MS = Date.UTC(2026, 1, 28, 16)
const TO = '2026-03-03T00:00:00%2B08:00'
const RANGE = `from=${FROM_SHANGHAI}&to=${TO}`

export function historyAnalyticsSuite(backend: BackendName): void {
  describe(`analytics API on ${backend === 'chdb' ? 'embedded chDB' : 'a real ClickHouse server'}`, () => {
    const t = withLogServer()
    const h = withHistoryBackend(backend)
    let s: ApiStack
    const admin = (path: string) => call(`${s.url}${path}`, 'GET', s.serviceToken)
    const ok = async (path: string) => {
      const r = await admin(path)
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`)
      return r.body
    }

    before(async () => {
      const db = await h.open(`analytics_${backend}`)
      const sink = new HistorySink(t.log, db, { flushIntervalMs: 20 })
      await sink.start()
      t.defer(() => sink.stop())
      s = await startApiStack(t, 'history_analytics_views', undefined, { history: { db, sqlLimits: { timeoutSeconds: 5, maxRows: 50 } } })
      t.defer(() => s.stop())
      // Events are stamped with the handler's clock: each is written at the time of its row.
      let now = Date.parse('2026-02-01T00:00:00Z')
      const handler = new CommandHandler(t.log, createDecider(), { clock: () => now })
      await accepted(handler, { type: 'group.create', id: 'create-team', conv: 'g_team', actor: 'amy', data: { name: 'team', members: ['bo', 'cy'] } })
      await accepted(handler, { type: 'channel.create', id: 'create-news', conv: 'c_news', actor: 'amy', data: { name: 'news' } })
      for (const [a, b] of [
        ['amy', 'bo'],
        ['amy', 'cy'],
        ['bo', 'dan'],
        ['cy', 'dan'],
      ]) {
        await accepted(handler, { type: 'conversation.create-direct', id: `open-${a}-${b}`, conv: `d~${a}~${b}`, actor: a, data: { peer: b } })
      }
      for (const [i, [utc, conv, sender]] of SENT.entries()) {
        now = Date.parse(utc)
        await accepted(handler, text(`m${i}`, conv, sender))
      }
      await sinkCaughtUp(sink)
    })

    test('messages and senders per day: the day boundary of Asia/Shanghai is 16:00 UTC', async () => {
      assert.deepEqual(await ok(`/v1/admin/analytics/messages-per-day?${RANGE}`), {
        tz: 'UTC',
        days: [
          { day: '2026-02-28', messages: 1 },
          { day: '2026-03-01', messages: 8 },
          { day: '2026-03-02', messages: 1 },
        ],
      })
      assert.deepEqual(await ok(`/v1/admin/analytics/messages-per-day?${RANGE}&tz=Asia/Shanghai`), {
        tz: 'Asia/Shanghai',
        days: [
          { day: '2026-03-01', messages: 6 },
          { day: '2026-03-02', messages: 4 },
        ],
      })
      assert.deepEqual((await ok(`/v1/admin/analytics/senders-per-day?${RANGE}&tz=Asia/Shanghai`)).days, [
        { day: '2026-03-01', senders: 4 },
        { day: '2026-03-02', senders: 4 },
      ])
      assert.deepEqual((await ok(`/v1/admin/analytics/senders-per-day?${RANGE}`)).days, [
        { day: '2026-02-28', senders: 1 },
        { day: '2026-03-01', senders: 5 },
        { day: '2026-03-02', senders: 1 },
      ])
    })

    test('daily, weekly and monthly active senders, in UTC and in Asia/Shanghai; @system is not a user', async () => {
      const active = async (period: string, tz = 'UTC') => {
        const body = await ok(`/v1/admin/analytics/active-senders?${RANGE}&period=${period}&tz=${tz}`)
        assert.deepEqual([body.tz, body.period], [tz, period])
        return body.periods.map((p: { start: string; senders: number }) => `${p.start}:${p.senders}`)
      }
      assert.deepEqual(await active('day'), ['2026-02-28:1', '2026-03-01:4', '2026-03-02:1'])
      assert.deepEqual(await active('day', 'Asia/Shanghai'), ['2026-03-01:4', '2026-03-02:3'])
      // 2026-03-01 is a Sunday: in Shanghai the Monday that starts the next week begins at 16:00 UTC.
      assert.deepEqual(await active('week'), ['2026-02-23:4', '2026-03-02:1'])
      assert.deepEqual(await active('week', 'Asia/Shanghai'), ['2026-02-23:4', '2026-03-02:3'])
      assert.deepEqual(await active('month'), ['2026-02-01:1', '2026-03-01:4'])
      assert.deepEqual(await active('month', 'Asia/Shanghai'), ['2026-03-01:4'])
      const byDefault = await ok(`/v1/admin/analytics/active-senders?${RANGE}`)
      assert.deepEqual([byDefault.period, byDefault.periods.length], ['day', 3])
    })

    test('messages per conversation kind', async () => {
      assert.deepEqual(await ok(`/v1/admin/analytics/messages-per-kind?${RANGE}`), {
        kinds: [
          { kind: 'direct', messages: 7, conversations: 4 },
          { kind: 'group', messages: 3, conversations: 1 },
          { kind: 'channel', messages: 0, conversations: 0 },
        ],
      })
      assert.deepEqual((await ok('/v1/admin/analytics/messages-per-kind?conv=g_team')).kinds, [
        { kind: 'direct', messages: 0, conversations: 0 },
        { kind: 'group', messages: 4, conversations: 1 },
        { kind: 'channel', messages: 0, conversations: 0 },
      ])
      // A channel is no group: its posts count as a channel's.
      assert.deepEqual((await ok('/v1/admin/analytics/messages-per-kind?from=2026-03-04T00:00:00Z')).kinds, [
        { kind: 'direct', messages: 0, conversations: 0 },
        { kind: 'group', messages: 1, conversations: 1 },
        { kind: 'channel', messages: 1, conversations: 1 },
      ])
    })

    test('median time to first reply in direct conversations opened in the range', async () => {
      // d~amy~bo waits 20 min, d~amy~cy 60 min, d~bo~dan is unanswered; d~cy~dan opened before the range.
      assert.deepEqual(await ok(`/v1/admin/analytics/first-reply?${RANGE}`), { conversations: 3, replied: 2, medianMs: 40 * 60_000 })
      // From 15:00 UTC: d~amy~cy and d~bo~dan; an odd count of waits is its middle one.
      assert.deepEqual(await ok('/v1/admin/analytics/first-reply?from=2026-03-01T15:00:00Z'), { conversations: 2, replied: 1, medianMs: 60 * 60_000 })
      // Over all time d~cy~dan counts too, with its wait of 9 days 12 hours: the median of three waits is 60 min.
      assert.deepEqual(await ok('/v1/admin/analytics/first-reply'), { conversations: 4, replied: 3, medianMs: 60 * 60_000 })
      assert.deepEqual(await ok('/v1/admin/analytics/first-reply?conv=d~bo~dan'), { conversations: 1, replied: 0, medianMs: null })
    })

    test('busiest hours: the hour of the day in the time zone asked for, all 24, busiest first', async () => {
      const top = async (tz: string) => {
        const body = await ok(`/v1/admin/analytics/busiest-hours?${RANGE}&tz=${tz}`)
        assert.equal(body.hours.length, 24)
        assert.deepEqual(new Set(body.hours.map((x: { hour: number }) => x.hour)).size, 24)
        return body.hours.filter((x: { messages: number }) => x.messages > 0).map((x: { hour: number; messages: number }) => `${x.hour}:${x.messages}`)
      }
      assert.deepEqual(await top('UTC'), ['10:3', '17:2', '2:1', '12:1', '15:1', '16:1', '20:1'])
      assert.deepEqual(await top('Asia/Shanghai'), ['18:3', '1:2', '0:1', '4:1', '10:1', '20:1', '23:1'])
      const quiet = (await ok(`/v1/admin/analytics/busiest-hours?${RANGE}`)).hours.slice(7, 9)
      assert.deepEqual(quiet, [
        { hour: 0, messages: 0 },
        { hour: 1, messages: 0 },
      ])
    })

    test('busiest conversations over a range given as ISO times', async () => {
      assert.deepEqual((await ok(`/v1/admin/analytics/busiest-conversations?${RANGE}&limit=2`)).conversations, [
        { conv: 'd~amy~bo', messages: 3, senders: 2 },
        { conv: 'g_team', messages: 3, senders: 3 },
      ])
    })

    test('a time is epoch ms or ISO 8601 with Z or an offset; each form names the same instant', async () => {
      const days = (from: string) => ok(`/v1/admin/analytics/messages-per-day?from=${from}&to=${TO}&tz=Asia/Shanghai`).then((b) => b.days)
      const expected = await days(String(FROM_MS))
      assert.deepEqual(expected, [
        { day: '2026-03-01', messages: 6 },
        { day: '2026-03-02', messages: 4 },
      ])
      for (const from of [
        FROM_SHANGHAI,
        FROM_UTC,
        '2026-02-28T16:00Z',
        '2026-02-28T16:00:00.000Z',
        '2026-03-01T00:00:00.000%2B0800',
        '2026-02-28T11:00:00-05:00',
      ]) {
        assert.deepEqual(await days(from), expected, from)
      }
      // From a millisecond after it, the 20:00 UTC message of 02-28 is out: a range need not start at a day boundary.
      assert.deepEqual(await days('2026-02-28T20:00:00.001Z'), [
        { day: '2026-03-01', messages: 5 },
        { day: '2026-03-02', messages: 4 },
      ])
    })

    test('bad times and zones: a 400 naming the field as sent, with what to send instead', async () => {
      const cases: Array<[query: string, field: string, says: RegExp]> = [
        ['from=2026-02-29T00:00:00Z', 'from', /month 2 of 2026 has no day 29/],
        ['from=2026-13-01T00:00:00Z', 'from', /no month 13/],
        ['from=2026-03-01T24:00:00Z', 'from', /hour 24/],
        ['from=2026-03-01T10:60:00Z', 'from', /minute 60/],
        ['from=2026-03-01T00:00:00', 'from', /has no zone/],
        ['from=2026-03-01', 'from', /date without a time and zone/],
        ['from=2026-03-01T00:00:00+08:00', 'from', /a \+ in a query string means a space, so send it as %2B/],
        ['from=2026-03-01T00:00:00%2B25:00', 'from', /offset/],
        ['to=yesterday', 'to', /epoch milliseconds or an ISO 8601/],
        ['to=1969-12-31T23:59:59Z', 'to', /from 1970-01-01/],
        [`from=${TO}&to=${FROM_SHANGHAI}`, 'to', /before from/],
        ['tz=Mars/Olympus', 'tz', /IANA time zone/],
        ['tz=%2B08:00', 'tz', /IANA time zone/],
        ['tz=', 'tz', /IANA time zone/],
        // Node's ICU still knows the SystemV zones; the tz database (and so ClickHouse) dropped them in 2020.
        ['tz=SystemV/AST4', 'tz', /not a time zone the history's ClickHouse knows/],
      ]
      for (const [query, field, says] of cases) {
        const r = await admin(`/v1/admin/analytics/messages-per-day?${query}`)
        assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`)
        assert.equal(r.body.error.code, 'VALIDATION_FAILED')
        const error = r.body.error.details.errors.find((e: { field: string }) => e.field === `/querystring/${field}`)
        assert.ok(error, `${query} names /querystring/${field}: ${JSON.stringify(r.body.error)}`)
        assert.ok(error.message.startsWith(`${field} `), `${query}: ${error.message}`)
        assert.match(error.message, says, query)
      }
      // A zone in other case is the same zone, answered as the tz database spells it.
      const lower = await ok(`/v1/admin/analytics/messages-per-day?${RANGE}&tz=asia/shanghai`)
      assert.equal(lower.tz, 'Asia/Shanghai')
      assert.equal(lower.days.length, 2)
    })
  })
}
