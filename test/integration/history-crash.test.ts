import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { HistoryDb } from '../../projections/history/index.js'
import { startTestClickHouse } from '../helpers/clickhouse.js'
import { startSinkProcess } from '../helpers/history-sink-process.js'
import { accepted, createGroup, readAll, text, withLogServer } from '../helpers/log.js'
import { covers, streamEnds } from '../helpers/views.js'

const KILLS = 6
const MIN_MESSAGES = 300
const WRITE_PAUSE_MS = 3
const GROUPS = ['g_hc_a', 'g_hc_b', 'g_hc_c']

describe('history sink SIGKILLed mid-batch, against a real nats-server', () => {
  const t = withLogServer()

  for (const backend of ['chdb', 'server'] as const) {
    test(`on ${backend}: every event once in every table, erased text gone`, { timeout: 90_000 }, async (ctx) => {
      const dir = mkdtempSync(join(tmpdir(), 'seqline-history-crash-'))
      const server = backend === 'server' ? await startTestClickHouse() : null
      t.defer(async () => {
        await server?.cleanup()
        rmSync(dir, { recursive: true, force: true })
      })
      const target = server?.url ?? join(dir, 'chdb')
      const database = `crash_${backend}`
      const prefix = `${backend}_`
      for (const g of GROUPS) await createGroup(t.handler, `${g}_${backend}`, 'ann', ['ben'])

      let sent = 0
      let writing = true
      const writer = (async () => {
        for (let i = 0; writing || i < MIN_MESSAGES; i++) {
          await sleep(WRITE_PAUSE_MS)
          const conv = `${GROUPS[i % GROUPS.length]}_${backend}`
          const r = await t.handler.execute(text(`${prefix}m${i}`, conv, i % 2 ? 'ann' : 'ben', `crashword${i} body`))
          assert.ok(r.ok)
          sent++
          const recalled = i % 7 === 3
          if (recalled)
            await accepted(t.handler, {
              type: 'message.recall',
              id: `${prefix}rc${i}`,
              conv,
              actor: i % 2 ? 'ann' : 'ben',
              data: { target: r.seq, erase: true },
            })
          // A recalled message cannot be edited.
          if (i % 11 === 5 && !recalled)
            await accepted(t.handler, {
              type: 'message.edit',
              id: `${prefix}ed${i}`,
              conv,
              actor: i % 2 ? 'ann' : 'ben',
              data: { target: r.seq, content: { type: 'text', text: `edited${i}` } },
            })
        }
      })()
      let progressed = 0
      for (let k = 0; k < KILLS; k++) {
        const child = startSinkProcess(t.nats.url, target, database)
        await child.ready
        // Kill while it writes: right after it reports progress (or, on a slow machine, after 5 s regardless).
        if (await child.writing(5_000)) progressed++
        await sleep(Math.random() * 30)
        child.process.kill('SIGKILL')
        await child.exited
      }
      writing = false
      await writer
      const last = startSinkProcess(t.nats.url, target, database)
      await last.ready
      const ends = await streamEnds(t.log)
      const deadline = Date.now() + 30_000
      while (!covers(last.position(), ends) && Date.now() < deadline) await sleep(50)
      last.process.kill('SIGTERM')
      assert.equal(await last.exited, 0, 'the last sink stopped cleanly')
      ctx.diagnostic(`${backend}: ${sent} messages sent, ${KILLS} kills, ${progressed} of them while the sink was writing`)
      assert.ok(progressed >= 2, 'some kills hit a sink that was writing')

      const db = await HistoryDb.open(server ? { url: server.url, database } : { chdbPath: target, database })
      t.defer(() => db.close())
      let events = 0
      for (const g of GROUPS) events += (await readAll(t.log, `${g}_${backend}`)).length
      const n = async (q: string) => Number((await db.rows<{ n: number }>(q))[0]?.n)
      const mine = `conv LIKE '%\\_${backend}'`
      assert.equal(await n(`SELECT count() AS n FROM ${db.table('events')} WHERE ${mine}`), events, 'one events row per event')
      assert.equal(await n(`SELECT count() AS n FROM (SELECT conv, seq, count() AS c FROM ${db.table('events')} GROUP BY conv, seq HAVING c > 1)`), 0)
      assert.equal(
        await n(`SELECT count() AS n FROM (SELECT conv, seq, pos, count() AS c FROM ${db.table('messages')} GROUP BY conv, seq, pos HAVING c > 1)`),
        0,
      )
      assert.equal(await n(`SELECT count() AS n FROM ${db.table('messages')} FINAL WHERE ${mine}`), sent, 'one message per send')
      assert.equal(await n(`SELECT count() AS n FROM ${db.table('messages')} FINAL WHERE ${mine} AND state = 'recalled'`), Math.ceil((sent - 3) / 7))
      assert.equal(await n(`SELECT count() AS n FROM ${db.table('messages')} WHERE state = 'recalled' AND text != ''`), 0)
      const recalledWords = await db.rows<{ w: string }>(
        `SELECT DISTINCT text AS w FROM ${db.table('messages')} WHERE (conv, seq) IN (SELECT conv, seq FROM ${db.table('messages')} FINAL WHERE state = 'recalled') AND text != ''`,
      )
      assert.deepEqual(recalledWords, [], 'no version of an erased message keeps its text')
    })
  }
})
