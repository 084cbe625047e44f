import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { Tokens } from '../../api/auth/index.js'
import { type InboxRow, RestClient } from '../../client/src/index.js'
import { directConversationId } from '../../core/domain/index.js'
import type { RunningNats } from '../../ops/servers/index.js'
import type { SeqlineProcess } from '../../ops/servers/seqline-process.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { type SeqlineBeside, startSeqlineBeside } from '../helpers/seqline-child.js'
import { type Finding, filesContaining, messagesContaining, untilNoneFound } from '../helpers/store-scan.js'

/** The promise: within 60 s of a burn (or an erasing recall) no byte of the text is left anywhere in NATS. */
const ERASED_WITHIN_MS = 60_000
const POLL_MS = 100

const marker = (what: string) => `${what}${randomBytes(6).toString('hex').toUpperCase()}`

describe('burned and erased text leaves no byte in the nats-server store, running and after a restart', () => {
  let beside: SeqlineBeside
  let nats: RunningNats
  let seqline: SeqlineProcess
  let nc: NatsConnection
  let jsm: JetStreamManager
  let tokens: Tokens
  /** Markers of every text that was burned or erased, checked again after the restart. */
  const gone: string[] = []

  before(async () => {
    // History (chDB) lives apart from the nats store: this test reads only what NATS holds.
    beside = await startSeqlineBeside('burn-erasure')
    ;({ nats, seqline } = beside)
    tokens = new Tokens(beside.secrets)
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    jsm = await jetstreamManager(nc)
  })

  after(async () => {
    await nc?.close()
    await beside?.stop()
  })

  const client = async (user: string) => new RestClient({ url: seqline.url, token: (await tokens.mint(user, 3600)).token })
  const anywhere = async (markers: readonly string[]): Promise<Finding[]> => [
    ...(await filesContaining(nats.storeDir, markers)),
    ...(await messagesContaining(jsm, markers)),
  ]

  /** The scans do see text that is stored: both markers are in the log's files and messages before the erasure. */
  async function storedNow(markers: readonly string[]) {
    const files = await filesContaining(nats.storeDir, markers)
    const messages = await messagesContaining(jsm, markers)
    for (const m of markers) {
      assert.ok(
        files.some((f) => f.marker === m && f.where.includes('SEQLINE_LOG_')),
        `${m} not found in the log's block files`,
      )
      assert.ok(
        messages.some((f) => f.marker === m && f.where.startsWith('SEQLINE_LOG_')),
        `${m} not found in the log's messages`,
      )
    }
  }

  /** Polls the API until what is wanted shows, or fails at the deadline. */
  async function until<T>(what: string, read: () => Promise<T | undefined>, deadline: number): Promise<T> {
    for (;;) {
      const found = await read()
      if (found !== undefined) return found
      assert.ok(Date.now() < deadline, `${what}: not seen by the deadline; Seqline printed:\n${seqline.output().slice(-4000)}`)
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
  }

  const rowOf = async (who: RestClient, conv: string): Promise<InboxRow | undefined> => (await who.inbox()).find((r) => r.conv === conv)
  const eventOf = async (who: RestClient, conv: string, match: (e: SeqlineEvent) => boolean) => (await who.events(conv, { from: 1, limit: 100 })).find(match)

  test('burn after read: the original and the edited text are gone from every file and every stream message within 60 s', { timeout: 120_000 }, async () => {
    const [first, second] = [marker('BURNFIRST'), marker('BURNEDIT')]
    const alice = await client('alice')
    const bob = await client('bob')
    const conv = directConversationId('alice', 'bob')
    await alice.openDirect('bob')
    await alice.configureBurn(conv, { enabled: true, seconds: 1 })
    const sent = await alice.text(conv, `the word is ${first}, keep it`)
    const edited = await alice.edit(conv, sent.seq, { type: 'text', text: `no, the word is ${second}, keep it` })
    // Both texts reached the views before the read: whatever they copy, they had the chance to.
    const before = await until(
      "the edited preview in bob's inbox",
      async () => {
        const row = await rowOf(bob, conv)
        return row?.last?.seq === sent.seq && row.last.state === 'edited' ? row : undefined
      },
      Date.now() + 20_000,
    )
    assert.match(before.last!.preview, new RegExp(second), 'the inbox shows the edited text before the burn')
    await storedNow([first, second])
    await bob.read(conv, edited.seq)

    const tombstone = await until('the burn tombstone in the log', () => eventOf(alice, conv, (e) => e.type === 'message.burned'), Date.now() + 30_000)
    const deadline = Date.now() + ERASED_WITHIN_MS
    assert.deepEqual(tombstone.type === 'message.burned' && [tombstone.data.target, tombstone.data.edits], [sent.seq, [edited.seq]])
    const row = await until(
      "[burned] in bob's inbox",
      async () => {
        const r = await rowOf(bob, conv)
        return r?.last?.state === 'burned' ? r : undefined
      },
      deadline,
    )
    assert.equal(row.last!.preview, '[burned]')

    gone.push(first, second)
    const left = await untilNoneFound(() => anywhere([first, second]), deadline)
    assert.deepEqual(left, [], `burned text still stored ${Math.round((Date.now() - deadline + ERASED_WITHIN_MS) / 1000)} s after the burn`)
  })

  test('recall with erase in a plain conversation: both texts are gone from every file and every stream message within 60 s', {
    timeout: 120_000,
  }, async () => {
    const [first, second] = [marker('RECALLFIRST'), marker('RECALLEDIT')]
    const carol = await client('carol')
    const dave = await client('dave')
    const conv = directConversationId('carol', 'dave')
    await carol.openDirect('dave')
    const sent = await carol.text(conv, `the word is ${first}, keep it`)
    await carol.edit(conv, sent.seq, { type: 'text', text: `no, the word is ${second}, keep it` })
    // A later message: the erased one is no longer the conversation's last, and must still go.
    const later = await carol.text(conv, 'something else')
    await until(
      "the later message in dave's inbox",
      async () => {
        const row = await rowOf(dave, conv)
        return row?.last?.seq === later.seq ? row : undefined
      },
      Date.now() + 20_000,
    )
    await storedNow([first, second])

    await carol.recall(conv, sent.seq, { erase: true })
    const deadline = Date.now() + ERASED_WITHIN_MS
    const row = await until(
      "the recall in dave's inbox",
      async () => {
        const r = await rowOf(dave, conv)
        return r && r.maxSeq > later.seq ? r : undefined
      },
      deadline,
    )
    assert.deepEqual([row.last?.seq, row.last?.preview], [later.seq, 'something else'], 'the newer message stays the preview')

    gone.push(first, second)
    const left = await untilNoneFound(() => anywhere([first, second]), deadline)
    assert.deepEqual(left, [], 'erased text still stored')
  })

  test('after stopping Seqline and nats-server, and starting both again, no byte of any erased text comes back', { timeout: 120_000 }, async () => {
    assert.equal(gone.length, 4, 'the tests above erased two texts each')
    await seqline.stop()
    await nats.stop()
    assert.deepEqual(await filesContaining(nats.storeDir, gone), [], 'erased text in the store of a stopped nats-server')
    await nats.restart()
    seqline = await beside.restart()
    const bob = await client('bob')
    await until("bob's inbox after the restart", async () => ((await bob.inbox()).length > 0 ? true : undefined), Date.now() + 20_000)
    assert.deepEqual(await anywhere(gone), [], 'erased text in the store or a stream after the restart')
  })
})
