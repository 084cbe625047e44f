import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { canonicalJson, erasedLinkOf, eventHash, type LinkForm, linkHash, MemoryLog, verifyConversation } from '../../core/log/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'

const handled = async () => {
  const log = new MemoryLog()
  const handler = new CommandHandler(log, createDecider())
  const ok = async (command: unknown) => {
    const r = await handler.execute(command)
    assert.ok(r.ok, JSON.stringify(r))
  }
  await ok({ type: 'group.create', id: 'c', conv: 'g_u', actor: 'ann', data: { name: 'u', members: ['ben'] } })
  for (let i = 0; i < 4; i++) await ok({ type: 'message.send', id: `m${i}`, conv: 'g_u', actor: 'ann', data: { content: { type: 'text', text: `hi ${i}` } } })
  return { log, events: (await log.read('g_u', { from: 1, limit: 10 })).map((s) => s.event) }
}

describe('the hash chain', () => {
  test('canonical JSON sorts keys at every depth and drops undefined, so key order in a file does not matter', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: undefined, b: 'é' } }), '{"a":{"b":"é","d":[1,"x",null]},"b":1}')
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }))
    // Keys that look like array indexes sort as strings too ("10" before "9"), though JavaScript lists them by number.
    assert.equal(canonicalJson({ z: [{ 9: 'a', 10: 'b', x: undefined }] }), '{"z":[{"10":"b","9":"a"}]}')
  })

  test('the handler links each event to the one before it, and salts only erasable content', async () => {
    const { events } = await handled()
    assert.equal(events[0]!.chain?.prev, undefined)
    for (let i = 1; i < events.length; i++) assert.equal(events[i]!.chain?.prev, eventHash(events[i - 1]!))
    assert.equal(events[0]!.chain?.salt, undefined, 'conversation.created has no erasable content')
    assert.match(events[1]!.chain?.salt ?? '', /^[0-9a-f]{32}$/)
    assert.notEqual(events[1]!.chain?.salt, events[2]!.chain?.salt)
    assert.ok(verifyConversation('g_u', 5, events).ok)
  })

  test('a writer behind another links to what the other wrote, read while catching up', async () => {
    const log = new MemoryLog()
    const [one, two] = [new CommandHandler(log, createDecider()), new CommandHandler(log, createDecider())]
    assert.ok((await one.execute({ type: 'group.create', id: 'c', conv: 'g_two', actor: 'ann', data: { name: 'two', members: ['ben'] } })).ok)
    for (let i = 0; i < 6; i++) {
      const writer = i % 3 === 0 ? one : two
      const r = await writer.execute({ type: 'message.send', id: `m${i}`, conv: 'g_two', actor: 'ann', data: { content: { type: 'text', text: `${i}` } } })
      assert.ok(r.ok, JSON.stringify(r))
    }
    const events = (await log.read('g_two', { from: 1, limit: 10 })).map((s) => s.event)
    const v = verifyConversation('g_two', 7, events)
    assert.deepEqual([v.ok, v.chain.linked, v.chain.breaks], [true, 7, []])
  })

  test('an erased record holds a salted commitment, not the text nor the salt, and hashes as the event did', async () => {
    const { events } = await handled()
    const record = erasedLinkOf(events[1]!)!
    assert.doesNotMatch(record, /hi 0|salt/)
    assert.equal(linkHash(JSON.parse(record) as LinkForm), eventHash(events[1]!))
    // The same text with another salt commits differently: a guess cannot be checked without the salt.
    const twin = { ...events[1]!, chain: { ...events[1]!.chain, salt: '0'.repeat(32) } } as SeqlineEvent
    assert.notEqual(erasedLinkOf(twin), record)
    assert.equal(
      erasedLinkOf({ ...events[1]!, chain: undefined } as unknown as SeqlineEvent),
      null,
      'a pre-chain message has no record: it would hold the text',
    )
  })

  test('the chain verifies across an erased record; a record holding content or a salt is refused', async () => {
    const { events } = await handled()
    const record = JSON.parse(erasedLinkOf(events[2]!)!) as LinkForm
    const burn = { ...events[4]!, seq: 6, type: 'message.burned', data: { target: 3 }, chain: { prev: eventHash(events[4]!) } } as SeqlineEvent
    const entries = [events[0]!, events[1]!, { audit: 'erased' as const, link: record }, events[3]!, events[4]!, burn]
    const v = verifyConversation('g_u', 6, entries)
    assert.deepEqual([v.ok, v.erased, v.chain.linked], [true, [3], 6], JSON.stringify(v))
    const leaky = { ...record, data: { content: { type: 'text', text: 'hi 1' } } }
    const bad = verifyConversation('g_u', 6, [...entries.slice(0, 2), { audit: 'erased', link: leaky }, ...entries.slice(3)])
    assert.equal(bad.ok, false)
    assert.equal(bad.firstBad?.seq, 3)
    assert.match(bad.firstBad?.reason ?? '', /holds content or a salt/)
  })

  test('a seq or head far ahead is one problem, not billions of missing seqs', async () => {
    const { events } = await handled()
    const far = { ...events[2]!, seq: 4_000_000_000_000 }
    const v = verifyConversation('g_u', 4_000_000_000_000, [events[0]!, events[1]!, far])
    assert.equal(v.ok, false)
    assert.deepEqual(v.firstBad, { seq: 3, reason: 'seqs 3 to 3999999999999 are missing' })
  })
})
