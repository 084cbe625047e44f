// Search and analytics through HTTP, on embedded chDB and on a real ClickHouse server.
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { HistoryDb } from '../../projections/history/index.js'
import { HistorySink } from '../../projections/history/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { type BackendName, sinkCaughtUp, withHistoryBackend } from '../helpers/history.js'
import { accepted, createGroup, text, withLogServer } from '../helpers/log.js'

export function historyApiSuite(backend: BackendName): void {
  describe(`search and analytics API on ${backend === 'chdb' ? 'embedded chDB' : 'a real ClickHouse server'}`, () => {
    const t = withLogServer()
    const h = withHistoryBackend(backend)
    let s: ApiStack
    let db: HistoryDb
    let sink: HistorySink
    const tokens: Record<string, string> = {}
    const search = (user: string, query: string) => call(`${s.url}/v1/search?${query}`, 'GET', tokens[user]!)
    const admin = (path: string, body?: unknown) => call(`${s.url}${path}`, body === undefined ? 'GET' : 'POST', s.serviceToken, body)
    const hitsOf = (r: { body: { hits: Array<{ conv: string; seq: number }> } }) => r.body.hits.map((x) => `${x.conv}#${x.seq}`).sort()

    before(async () => {
      db = await h.open(`api_${backend}`)
      sink = new HistorySink(t.log, db, { flushIntervalMs: 20 })
      await sink.start()
      t.defer(() => sink.stop())
      s = await startApiStack(t, 'history_api_views', undefined, { history: { db, sqlLimits: { timeoutSeconds: 5, maxRows: 50 } } })
      t.defer(() => s.stop())
      for (const u of ['ann', 'ben', 'cy', 'dee']) tokens[u] = await s.token(u)
      await createGroup(t.handler, 'g_api', 'ann', ['ben', 'cy'])
      await accepted(t.handler, text('a1', 'g_api', 'ann', 'wombat one'))
      await accepted(t.handler, { type: 'group.kick', id: 'kick-cy', conv: 'g_api', actor: 'ann', data: { user: 'cy' } })
      await accepted(t.handler, text('a2', 'g_api', 'ben', 'wombat two'))
      await createGroup(t.handler, 'g_private', 'dee', [])
      await accepted(t.handler, text('p1', 'g_private', 'dee', 'wombat private'))
      await s.settle()
      await sinkCaughtUp(sink)
    })

    test('a user finds only what they may read: members all, a kicked member up to the kick, strangers nothing', async () => {
      assert.deepEqual(hitsOf(await search('ann', 'q=wombat')), ['g_api#2', 'g_api#4'])
      assert.deepEqual(hitsOf(await search('cy', 'q=wombat')), ['g_api#2'])
      assert.deepEqual(hitsOf(await search('dee', 'q=wombat')), ['g_private#2'])
      assert.deepEqual(hitsOf(await search('cy', 'q=wombat&conv=g_private')), [], 'naming a conversation does not open it')
      const page = await search('ann', 'q=wombat&limit=1')
      assert.equal(page.status, 200)
      assert.equal(page.body.hits[0].snippet, 'wombat two')
      assert.deepEqual(page.body.hits[0].highlights, [[0, 6]])
      const next = await search('ann', `q=wombat&limit=1&cursor=${page.body.next}`)
      assert.deepEqual(hitsOf(next), ['g_api#2'])
      assert.equal(next.body.next, undefined)
    })

    test('admins search everything', async () => {
      const r = await admin('/v1/admin/search?q=wombat')
      assert.equal(r.status, 200, JSON.stringify(r.body))
      assert.deepEqual(hitsOf(r), ['g_api#2', 'g_api#4', 'g_private#2'])
      assert.equal((await call(`${s.url}/v1/admin/search?q=wombat`, 'GET', tokens.ann!)).status, 401, 'a user token is not the service credential')
    })

    test('bad search input: a clear 400 naming the field, never a 500', async () => {
      const cases: Array<[string, string]> = [
        ['q=', '/querystring/q'],
        ['q=%21%21%21', '/querystring/q'],
        ['q=x&mode=fuzzy', '/querystring/mode'],
        ['q=x&limit=0', '/querystring/limit'],
        ['q=x&cursor=bm90IGEgY3Vyc29y', '/querystring/cursor'],
        ['q=x&conv=not-a-conv', '/querystring/conv'],
        ['q=x&from=-1', '/querystring/from'],
        ['q=x&bogus=1', '/querystring/bogus'],
      ]
      for (const [query, field] of cases) {
        const r = await search('ann', query)
        assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`)
        assert.equal(r.body.error.code, 'VALIDATION_FAILED')
        assert.ok(JSON.stringify(r.body.error.details).includes(field), `${query} names ${field}: ${JSON.stringify(r.body.error)}`)
      }
      const hostile = await search('ann', `q=${encodeURIComponent("wombat') OR 1=1 --")}&mode=phrase`)
      assert.equal(hostile.status, 200)
      assert.deepEqual(hostile.body.hits, [])
    })

    test('analytics: messages and senders per day, busiest conversations', async () => {
      const day = new Date().toISOString().slice(0, 10)
      const perDay = await admin('/v1/admin/analytics/messages-per-day?conv=g_api')
      assert.equal(perDay.status, 200, JSON.stringify(perDay.body))
      assert.deepEqual(perDay.body.days, [{ day, messages: 2 }])
      const senders = await admin('/v1/admin/analytics/senders-per-day')
      assert.deepEqual(senders.body.days, [{ day, senders: 3 }])
      const busiest = await admin('/v1/admin/analytics/busiest-conversations?limit=1')
      assert.deepEqual(busiest.body.conversations, [{ conv: 'g_api', messages: 2, senders: 2 }])
    })

    test('analyst SQL: read-only and limited', async () => {
      const select = await admin('/v1/admin/sql', { sql: `SELECT count() AS n FROM ${db.table('events')} WHERE conv = 'g_api'` })
      assert.equal(select.status, 200, JSON.stringify(select.body))
      assert.deepEqual(select.body, { rows: [{ n: 4 }], rowCount: 1 })
      const drop = await admin('/v1/admin/sql', { sql: `DROP TABLE ${db.table('messages')}` })
      assert.equal(drop.status, 403, JSON.stringify(drop.body))
      assert.equal(drop.body.error.code, 'SQL_READ_ONLY')
      const loosen = await admin('/v1/admin/sql', { sql: 'SELECT 1 SETTINGS readonly = 0' })
      assert.equal(loosen.status, 403, JSON.stringify(loosen.body))
      const many = await admin('/v1/admin/sql', { sql: 'SELECT arrayJoin(range(100000)) AS n' })
      assert.equal(many.status, 400, JSON.stringify(many.body))
      assert.equal(many.body.error.code, 'SQL_TOO_MANY_ROWS')
      const bad = await admin('/v1/admin/sql', { sql: 'SELEKT nonsense' })
      assert.equal(bad.status, 400)
      assert.equal(bad.body.error.code, 'SQL_ERROR')
      assert.equal((await call(`${s.url}/v1/admin/sql`, 'POST', tokens.ann!, { sql: 'SELECT 1' })).status, 401)
    })

    test('a phrase behind more out-of-order candidates than one request looks at is still reached by following next', { timeout: 120_000 }, async () => {
      await createGroup(t.handler, 'g_deep', 'ann', [])
      const first = await t.handler.execute(text('deep-0', 'g_deep', 'ann', '路线图在这里'))
      assert.ok(first.ok && 'seq' in first, JSON.stringify(first))
      // Newer messages holding every character of the phrase, out of order: candidates of the index that the order check refuses.
      for (let i = 1; i <= 1050; i++) await accepted(t.handler, text(`deep-${i}`, 'g_deep', 'ann', `图线路 ${i}`))
      await sinkCaughtUp(sink)
      const found: string[] = []
      let cursor = ''
      for (let page = 0; page < 50; page++) {
        const r = await admin(`/v1/admin/search?conv=g_deep&limit=5&q=${encodeURIComponent('路线图')}${cursor}`)
        assert.equal(r.status, 200, JSON.stringify(r.body))
        found.push(...hitsOf(r))
        if (!r.body.next) break
        cursor = `&cursor=${encodeURIComponent(r.body.next)}`
      }
      assert.deepEqual(found, [`g_deep#${first.seq}`])
    })

    test('CJK, mixed and emoji text is found by the substrings a user types, in order', async () => {
      const texts = {
        roadmap: '我们明天开会讨论季度路线图',
        release: 'Seqline发布了v2',
        scattered: '路很长，线很细，图很美',
        japanese: '東京で会議を開きます',
        katakana: 'カタカナのテスト',
        korean: '오늘 회의는 취소되었습니다',
        emoji: '今日は😀いい天気🎉 weather',
        // A run split by a space is still that run of tokens; `xv2` is one token, so `v2发布` is not in it (though `v2` and 发布 are).
        spaced: '蝾 螈 xv2发布 v2',
      }
      await createGroup(t.handler, 'g_cjk', 'ann', [])
      const at: Record<string, string> = {}
      for (const [name, body] of Object.entries(texts)) {
        const r = await t.handler.execute(text(`cjk-${name}`, 'g_cjk', 'ann', body))
        assert.ok(r.ok && 'seq' in r, JSON.stringify(r))
        at[name] = `g_cjk#${r.seq}`
      }
      await sinkCaughtUp(sink)
      const table: Array<[q: string, mode: string, hits: Array<keyof typeof texts>]> = [
        ['路线图', 'all', ['roadmap']],
        ['路线', 'all', ['roadmap']],
        ['季度路线图', 'all', ['roadmap']],
        ['线图', 'all', ['roadmap']],
        ['路', 'all', ['roadmap', 'scattered']],
        ['图线路', 'all', []],
        ['线路', 'all', []],
        ['路线图', 'phrase', ['roadmap']],
        ['图线路', 'phrase', []],
        ['讨论 路线图', 'all', ['roadmap']],
        ['路线图 发布', 'any', ['release', 'roadmap', 'spaced']],
        ['发布', 'all', ['release', 'spaced']],
        ['Seqline', 'all', ['release']],
        ['seqline', 'all', ['release']],
        ['v2', 'all', ['release', 'spaced']],
        ['发布 v2', 'all', ['release', 'spaced']],
        ['Seqline发布了v2', 'phrase', ['release']],
        ['v2发布', 'all', []],
        ['v2发布', 'phrase', []],
        ['蝾螈', 'all', ['spaced']],
        ['蝾螈', 'phrase', ['spaced']],
        ['螈蝾', 'all', []],
        ['会議', 'all', ['japanese']],
        ['会议', 'all', []],
        ['開きます', 'all', ['japanese']],
        ['カタカナ', 'all', ['katakana']],
        ['テスト', 'all', ['katakana']],
        ['회의', 'all', ['korean']],
        ['취소', 'all', ['korean']],
        ['의회', 'all', []],
        ['😀', 'all', ['emoji']],
        ['いい天気', 'all', ['emoji']],
        ['weather', 'all', ['emoji']],
      ]
      const wrong: string[] = []
      for (const [q, mode, names] of table) {
        const r = await admin(`/v1/admin/search?conv=g_cjk&mode=${mode}&q=${encodeURIComponent(q)}`)
        assert.equal(r.status, 200, `${q}: ${JSON.stringify(r.body)}`)
        const want = names.map((n) => at[n]!).sort()
        const got = hitsOf(r)
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${mode} ${q}: got ${got.join(',') || 'nothing'}, want ${want.join(',') || 'nothing'}`)
      }
      assert.deepEqual(wrong, [])

      const roadmap = await admin(`/v1/admin/search?conv=g_cjk&q=${encodeURIComponent('路线图')}`)
      assert.equal(roadmap.body.hits[0].snippet, texts.roadmap)
      assert.deepEqual(roadmap.body.hits[0].highlights, [[10, 13]], 'offsets in UTF-16 code units, adjacent characters as one range')
      const emoji = await admin(`/v1/admin/search?conv=g_cjk&q=${encodeURIComponent('いい天気 weather')}`)
      const { snippet, highlights } = emoji.body.hits[0] as { snippet: string; highlights: Array<[number, number]> }
      assert.deepEqual(
        highlights,
        [
          [5, 9],
          [12, 19],
        ],
        'the emoji before counts as two code units',
      )
      assert.deepEqual(
        highlights.map(([a, b]) => snippet.slice(a, b)),
        ['いい天気', 'weather'],
      )
    })
  })
}
