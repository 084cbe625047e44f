import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Followed } from '../../core/log/index.js'
import { HistoryBatch, messageKey } from '../../projections/history/batch.js'
import { words } from '../../projections/history/words.js'
import type { SeqlineEvent } from '../../schemas/index.js'

let pos = 0
function at(seq: number, type: string, data: unknown, actor = 'ann'): Followed {
  const event = { id: `e${seq}`.padEnd(22, '0'), type, conv: 'g_b', seq, at: 1000 + seq, actor, v: 1, cmd: `c${seq}`, data } as SeqlineEvent
  return { partition: 0, streamSeq: ++pos, event }
}
const text = (t: string) => ({ content: { type: 'text', text: t } })

test('a message and its revisions in one batch fold into one row, the newest version', () => {
  const b = new HistoryBatch()
  b.add(at(2, 'message.sent', text('first words')))
  b.add(at(3, 'message.edited', { target: 2, ...text('second words') }))
  const rows = b.messageRows(new Map())
  assert.equal(rows.length, 1)
  assert.deepEqual([rows[0]!.seq, rows[0]!.state, rows[0]!.text, rows[0]!.at_ms], [2, 'edited', 'second words', 1002])
  assert.equal(b.events.length, 2)
})

test('the lines of message rows are their rows; one revised in the batch is its newest version', () => {
  const b = new HistoryBatch()
  b.add(at(2, 'message.sent', text('kept as sent')))
  b.add(at(3, 'message.sent', text('first words')))
  b.add(at(4, 'message.edited', { target: 3, ...text('second words') }))
  const lines = b.encodedMessageRows(new Map()).map((r) => JSON.parse(r.json) as { seq: number; state: string; text: string; pos: number })
  assert.deepEqual(
    lines.map((r) => [r.seq, r.state, r.text]),
    [
      [2, 'live', 'kept as sent'],
      [3, 'edited', 'second words'],
    ],
  )
  assert.deepEqual(
    b.encodedMessageRows(new Map()).map((r) => [r.part, r.pos]),
    b.messageRows(new Map()).map((r) => [r.part, r.pos]),
  )
  assert.deepEqual(lines, b.messageRows(new Map()))
})

test('a burn inside the batch writes the message blank and lists it for erasure of stored versions', () => {
  const b = new HistoryBatch()
  b.add(at(2, 'message.sent', text('secret')))
  b.add(at(3, 'message.burned', { target: 2 }))
  const [row] = b.messageRows(new Map())
  assert.deepEqual([row!.state, row!.text], ['burned', ''])
  assert.deepEqual([...b.erase.get('g_b')!], [2])
  const [line] = b.encodedMessageRows(new Map())
  assert.equal(line!.json.includes('secret'), false, 'the line encoded when the message arrived is not written')
  assert.deepEqual(JSON.parse(line!.json), row)
})

test('revisions of messages stored earlier wait for their originals; a missing original writes nothing', () => {
  const b = new HistoryBatch()
  b.add(at(9, 'message.recalled', { target: 4, erase: false }))
  b.add(at(10, 'message.edited', { target: 5, ...text('new') }))
  assert.deepEqual([...b.lookups()], [['g_b', [4, 5]]])
  const original = { conv: 'g_b', seq: 5, at_ms: 5, sender: 'ben', kind: 'text' }
  const rows = b.messageRows(new Map([[messageKey('g_b', 5), original]]))
  assert.deepEqual(
    rows.map((r) => [r.seq, r.state, r.sender, r.at_ms, r.text]),
    [[5, 'edited', 'ben', 5, 'new']],
  )
  assert.equal(b.erase.size, 0, 'a plain recall erases nothing')
  assert.deepEqual(
    b.encodedMessageRows(new Map([[messageKey('g_b', 5), original]])).map((l) => JSON.parse(l.json)),
    rows,
  )
})

test('a batch for a server without a text index encodes each message with its words', () => {
  const b = new HistoryBatch({ words: true })
  b.add(at(2, 'message.sent', text('Hello brave world')))
  b.add(at(3, 'message.sent', text('first')))
  b.add(at(4, 'message.edited', { target: 3, ...text('second draft') }))
  const lines = b.encodedMessageRows(new Map()).map((l) => JSON.parse(l.json) as { seq: number; words: string[] })
  assert.deepEqual(
    lines.map((l) => [l.seq, l.words]),
    [
      [2, words('Hello brave world')],
      [3, words('second draft')],
    ],
  )
  assert.ok(words('Hello brave world').length > 0)
})

test('event rows carry no message content', () => {
  const b = new HistoryBatch()
  b.add(at(2, 'message.sent', text('private words')))
  assert.equal(b.events[0]!.json.includes('private'), false)
  assert.deepEqual(JSON.parse((JSON.parse(b.events[0]!.json) as { data: string }).data), { contentType: 'text' })
})

test('an event row is encoded as it arrives: its columns, its position, and the data as stored but for the content', () => {
  const b = new HistoryBatch()
  const f = at(7, 'message.sent', { thread: 3, ...text('hello'), mentions: ['ben'], burnAfter: 30 })
  b.add(f)
  const [row] = b.events
  assert.deepEqual([row!.part, row!.pos], [0, f.streamSeq])
  assert.deepEqual(JSON.parse(row!.json), {
    part: 0,
    pos: f.streamSeq,
    conv: 'g_b',
    seq: 7,
    at_ms: 1007,
    type: 'message.sent',
    actor: 'ann',
    cmd: 'c7',
    data: '{"thread":3,"mentions":["ben"],"burnAfter":30,"contentType":"text"}',
  })
})
