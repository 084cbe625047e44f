import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Followed } from '../../core/log/index.js'
import { HistoryBatch } from '../../projections/history/batch.js'
import type { HistoryDb } from '../../projections/history/history-db.js'
import { HistoryWriter } from '../../projections/history/history-writer.js'
import type { SeqlineEvent } from '../../schemas/index.js'

/** A database that records what is sent to it: the writer's refusal must come before anything is. */
function recordingDb(textIndex: boolean) {
  const sent: string[] = []
  const db = {
    caps: { textIndex },
    table: (name: string) => `h.${name}`,
    sql: () => ({ value: (v: unknown) => JSON.stringify(v), list: (v: unknown[]) => JSON.stringify(v), queryParams: {} }),
    command: async (query: string) => void sent.push(query),
    insertEncoded: async (table: string) => void sent.push(`insert ${table}`),
    rows: async () => [],
  }
  return { db: db as unknown as HistoryDb, sent }
}

function burnedMessage(): HistoryBatch[] {
  const at = (seq: number, type: string, data: unknown): Followed => ({
    partition: 0,
    streamSeq: seq,
    event: { id: `e${seq}`.padEnd(22, '0'), type, conv: 'g_w', seq, at: seq, actor: 'ann', v: 1, cmd: `c${seq}`, data } as SeqlineEvent,
  })
  return [false, true].map((words) => {
    const b = new HistoryBatch({ words })
    b.add(at(1, 'message.sent', { content: { type: 'text', text: 'gone soon' } }))
    b.add(at(2, 'message.burned', { target: 1 }))
    return b
  })
}

test('the writer refuses a batch encoded for the other kind of server, before it erases or inserts anything', async () => {
  const [plain, withWords] = burnedMessage()
  for (const [textIndex, wrong, right] of [
    [true, withWords!, plain!],
    [false, plain!, withWords!],
  ] as const) {
    const { db, sent } = recordingDb(textIndex)
    const writer = new HistoryWriter(db)
    const written = { hidden: {}, messages: {}, events: {} }
    await assert.rejects(writer.write(wrong, written), /a history batch (with|without) words/)
    assert.equal(sent.length, 0, `sent before the refusal: ${sent.join(', ')}`)
    await writer.write(right, written)
    assert.deepEqual(
      sent.map((q) => q.split(' ').slice(0, 2).join(' ')),
      ['ALTER TABLE', 'insert hidden', 'insert messages', 'insert events'],
    )
  }
})
