import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { SeqlineClient, SeqlineError } from '../../client/src/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'

describe('the TypeScript client over REST', () => {
  const t = withLogServer()
  let s: ApiStack
  let alice: SeqlineClient
  let bob: SeqlineClient

  before(async () => {
    s = await startApiStack(t, 'client_views')
    t.defer(() => s.stop())
    alice = new SeqlineClient({ url: s.url, token: await s.token('alice') })
    bob = new SeqlineClient({ url: s.url, token: await s.token('bob') })
  })

  test('sends, pulls, reads receipts and lists the inbox through the typed calls', async () => {
    const { conv } = await alice.openDirect('bob')
    const sent = await alice.text(conv, 'hello bob')
    await bob.read(conv, sent.seq)
    await s.settle()
    const events = await bob.events(conv, { from: 1, limit: 10 })
    assert.deepEqual(
      events.map((e) => e.seq),
      [1, 2, 3],
    )
    assert.deepEqual(await alice.receipts(conv, sent.seq), { seq: sent.seq, readBy: ['alice', 'bob'], unreadBy: [] })
    const [row] = await bob.inbox()
    assert.deepEqual([row?.conv, row?.unread, row?.last?.preview], [conv, 0, 'hello bob'])
  })

  test('a refusal surfaces as a SeqlineError with the stable code', async () => {
    const { conv } = await alice.openDirect('carol')
    await assert.rejects(bob.text(conv, 'not mine'), (err: unknown) => err instanceof SeqlineError && err.code === 'NOT_MEMBER')
  })
})
