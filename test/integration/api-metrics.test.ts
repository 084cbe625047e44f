// Counters by command type and by error code, on /metrics, against a real nats-server:
// commands counted once whichever way they came (REST or WebSocket), by their result.
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { partitionOf } from '../../core/log/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { TEST_PARTITIONS, withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const hello = (id: string) => ({ id, content: { type: 'text', text: id } })

/** The value of one series in Prometheus text, 0 when it is absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

describe('command and error counters', () => {
  const t = withLogServer()
  let s: ApiStack
  let socket: TestSocket | undefined
  before(async () => {
    s = await startApiStack(t, 'metrics_views')
    t.defer(async () => {
      await socket?.close()
      await s.stop()
    })
  })

  test('commands by type and result (REST and WebSocket alike), error answers by code', async () => {
    const [amy, bo, cy] = [await s.token('amy'), await s.token('bo'), await s.token('cy')]
    assert.equal((await call(`${s.url}/v1/groups`, 'POST', amy, { id: 'create', conv: 'g_counted', name: 'counted', members: ['bo'] })).status, 200)
    const path = `${s.url}/v1/conversations/g_counted/messages`
    assert.equal((await call(path, 'POST', amy, hello('m1'))).status, 200)
    assert.equal((await call(path, 'POST', amy, hello('m1'))).body.duplicate, true)
    assert.equal((await call(path, 'POST', cy, hello('m2'))).body.error.code, 'NOT_MEMBER')
    assert.equal((await call(path, 'POST', bo, { id: 'bad' })).body.error.code, 'VALIDATION_FAILED')
    socket = await TestSocket.open(wsUrl(s, bo))
    const acked = await socket.command({ type: 'message.send', id: 'm3', conv: 'g_counted', data: { content: { type: 'text', text: 'over ws' } } })
    assert.equal(acked.type, 'ack')

    const scraped = (await call(`${s.url}/metrics`, 'GET', null)).body as string
    const commands = (type: string, result: string) => sample(scraped, `seqline_commands_total{type="${type}",result="${result}"}`)
    assert.equal(commands('group.create', 'accepted'), 1)
    assert.equal(commands('message.send', 'accepted'), 2, 'one over REST, one over the WebSocket')
    assert.equal(commands('message.send', 'duplicate'), 1)
    assert.equal(commands('message.send', 'NOT_MEMBER'), 1)
    // Refused by the route's schema before any command was made of it: an error, not a command.
    assert.equal(commands('message.send', 'VALIDATION_FAILED'), 0)
    const errors = (code: string) => sample(scraped, `seqline_http_errors_total{code="${code}"}`)
    assert.deepEqual([errors('NOT_MEMBER'), errors('VALIDATION_FAILED')], [1, 1])
  })

  test('WebSocket command latency: one observation per command frame answered, by its answer; none for other frames; each command’s turn', async () => {
    const [gus, hal] = [await s.token('gus'), await s.token('hal')]
    assert.equal((await call(`${s.url}/v1/groups`, 'POST', gus, { id: 'create-timed', conv: 'g_timed', name: 'timed', members: [] })).status, 200)
    const scrape = async () => {
      const scraped = (await call(`${s.url}/metrics`, 'GET', null)).body as string
      const of = (answer: string) => ({
        count: sample(scraped, `seqline_ws_command_duration_seconds_count{answer="${answer}"}`),
        sum: sample(scraped, `seqline_ws_command_duration_seconds_sum{answer="${answer}"}`),
      })
      return { ack: of('ack'), error: of('error'), turns: sample(scraped, 'seqline_command_turn_wait_seconds_count') }
    }
    const [gs, hs] = [await TestSocket.open(wsUrl(s, gus)), await TestSocket.open(wsUrl(s, hal))]
    t.defer(async () => {
      await gs.close()
      await hs.close()
    })
    const before = await scrape()
    const started = Date.now()
    // A sync is a frame the session answers too, but not a command: it must not be counted.
    await gs.sync()
    const send = (id: string) => ({ type: 'message.send', id, conv: 'g_timed', data: { content: { type: 'text', text: id } } })
    assert.equal((await gs.command(send('timed-1'))).type, 'ack')
    assert.equal((await gs.command(send('timed-2'))).type, 'ack')
    const refused = await hs.command(send('timed-3'))
    assert.equal(refused.type === 'error' && refused.error.code, 'NOT_MEMBER')
    const elapsed = (Date.now() - started) / 1000
    const after = await scrape()
    assert.deepEqual([after.ack.count - before.ack.count, after.error.count - before.error.count], [2, 1])
    // Each of the three took its conversation's turn in the handler, the refused one too.
    assert.equal(after.turns - before.turns, 3)
    for (const answer of ['ack', 'error'] as const) {
      const seconds = after[answer].sum - before[answer].sum
      assert.ok(seconds > 0 && seconds <= elapsed, `${answer}: ${seconds} s of ${elapsed} s`)
    }
  })

  test('live delivery lag: one observation per event routed to sockets here, none for events no socket here gets', async () => {
    const [dee, eve] = [await s.token('dee'), await s.token('eve')]
    // Two groups in one partition, so the hub meets the unwatched group's message before the watched one's.
    const watched = 'g_lag_watched'
    const unwatched = sameGroupPartition(watched)
    for (const [conv, members] of [
      [watched, ['eve']],
      [unwatched, []],
    ] as const) {
      assert.equal((await call(`${s.url}/v1/groups`, 'POST', dee, { id: `create-${conv}`, conv, name: conv, members })).status, 200)
    }
    const lag = async () => {
      const scraped = (await call(`${s.url}/metrics`, 'GET', null)).body as string
      return { count: sample(scraped, 'seqline_ws_delivery_lag_seconds_count'), sum: sample(scraped, 'seqline_ws_delivery_lag_seconds_sum') }
    }
    // The socket learns eve's groups from her inbox view.
    await s.settle()
    const eves = await TestSocket.open(wsUrl(s, eve))
    t.defer(() => eves.close())
    const before = await lag()
    const started = Date.now()
    // Only dee is in the unwatched group, and dee has no socket; nor has fay, whom it adds (a membership
    // change, which the hub routes whenever it holds any socket, to find none here).
    assert.equal((await call(`${s.url}/v1/conversations/${unwatched}/messages`, 'POST', dee, hello('unseen'))).status, 200)
    assert.equal((await call(`${s.url}/v1/groups/${unwatched}/invite`, 'POST', dee, { id: 'add-fay', users: ['fay'] })).status, 200)
    const sent = await call(`${s.url}/v1/conversations/${watched}/messages`, 'POST', dee, hello('seen'))
    await eves.next((f) => f.type === 'event' && f.event.conv === watched && f.event.seq === sent.body.seq)
    const after = await lag()
    assert.equal(after.count - before.count, 1)
    const seconds = after.sum - before.sum
    assert.ok(seconds >= 0 && seconds <= (Date.now() - started) / 1000, `lag ${seconds} s`)
  })
})

/** A group id in the same log partition as `conv`. */
function sameGroupPartition(conv: string): string {
  const partition = partitionOf(conv, TEST_PARTITIONS)
  for (let i = 0; ; i++) if (partitionOf(`g_lag_${i}`, TEST_PARTITIONS) === partition && `g_lag_${i}` !== conv) return `g_lag_${i}`
}
