import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { AckPublisher, type DirectMsg, directReaderOf } from '../../core/log/index.js'
import type { PubAck } from '../../core/log/publisher.js'
import { turnSendsOf } from '../../core/log/turn-sends.js'
import { startTestNats, type TestNats } from '../helpers/nats.js'

/** Write syscalls this process has made so far (its sockets included). Read synchronously: the thread pool's wake-ups are writes too. */
function writeSyscalls(): number {
  return Number(/^syscw:\s+(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))![1])
}

const encoder = new TextEncoder()
const SENDS = 24

/** `request` called once from each of SENDS callbacks of its own (as requests and frames arrive), each with its own microtask checkpoint. */
function fromSeparateCallbacks<T>(request: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: SENDS }, (_, i) => new Promise<T>((done, fail) => setImmediate(() => request(i).then(done, fail)))))
}

/**
 * The answers of `act`, and the write syscalls made while it ran; what the connection had to send before is written out first.
 * The hold is lengthened meanwhile: a pause of the machine within the turn must not count as the turn running long.
 */
async function writesDuring<T>(nc: NatsConnection, act: () => Promise<T>): Promise<{ answers: T; writes: number }> {
  await nc.flush()
  const queue = turnSendsOf(nc)
  const hold = queue.holdMs
  queue.holdMs = 60_000
  try {
    const before = writeSyscalls()
    const answers = await act()
    return { answers, writes: writeSyscalls() - before }
  } finally {
    queue.holdMs = hold
  }
}

/** The acks' stream seqs follow one another in the order the publishes were made. */
function assertStoredInOrder(acks: PubAck[]): void {
  const first = acks[0]!.seq
  assert.deepEqual(
    acks.map((a) => a.seq),
    Array.from({ length: acks.length }, (_, i) => first + i),
  )
}

describe("A connection's publishes of one event-loop turn leave in one socket write", () => {
  let nats: TestNats
  let nc: NatsConnection

  before(async () => {
    nats = await startTestNats()
    nc = await connect({ servers: nats.url })
    await (await jetstreamManager(nc)).streams.add({ name: 'TURN', subjects: ['turn.>'], allow_direct: true })
  })
  after(async () => {
    await nc.close()
    await nats.cleanup()
  })

  test('publishes made in separate callbacks of one turn cost one write, not one each, and are stored in the order made', async () => {
    const publisher = new AckPublisher(nc)
    after(() => publisher.close())
    const { answers, writes } = await writesDuring(nc, () =>
      fromSeparateCallbacks((i) => publisher.publish(`turn.a.${i}`, encoder.encode(`a${i}`), undefined, 5_000)),
    )
    // One write per publish would be SENDS writes; the PubAcks are reads.
    assert.ok(writes <= 2, `${writes} write syscalls for ${SENDS} publishes`)
    assertStoredInOrder(answers)
  })

  test('two publishers of one connection share the turn: interleaved publishes keep their order across both', async () => {
    const one = new AckPublisher(nc)
    const two = new AckPublisher(nc)
    after(() => {
      one.close()
      two.close()
    })
    const { answers, writes } = await writesDuring(nc, () =>
      fromSeparateCallbacks((i) => (i % 2 ? two : one).publish(`turn.b.${i}`, encoder.encode(`b${i}`), undefined, 5_000)),
    )
    assert.ok(writes <= 2, `${writes} write syscalls for ${SENDS} publishes through two publishers`)
    assertStoredInOrder(answers)
  })

  test('direct gets made in separate callbacks of one turn go out beside the publishes in one write', async () => {
    const publisher = new AckPublisher(nc)
    after(() => publisher.close())
    const reader = directReaderOf(nc)
    await publisher.publish('turn.c.0', encoder.encode('c0'), undefined, 5_000)
    const { answers, writes } = await writesDuring(nc, () =>
      fromSeparateCallbacks<unknown>((i) =>
        i % 2 ? reader.get('TURN', { last_by_subj: 'turn.c.0' }, 5_000) : publisher.publish(`turn.c.${i + 1}`, encoder.encode('c'), undefined, 5_000),
      ),
    )
    assert.ok(writes <= 2, `${writes} write syscalls for ${SENDS / 2} gets and ${SENDS / 2} publishes`)
    for (let i = 1; i < SENDS; i += 2) assert.equal((answers[i] as DirectMsg | null)?.string(), 'c0')
  })

  test('in a turn that runs long, sends go out before it ends: a write per stretch of the turn, not one at its end', async () => {
    const publisher = new AckPublisher(nc)
    after(() => publisher.close())
    await nc.flush()
    // One callback standing in for a poll phase that reads hundreds of sockets: it runs on for far longer than the hold.
    const { early, late, acks } = await new Promise<{ early: number; late: number; acks: Promise<PubAck[]> }>((done) =>
      setImmediate(async () => {
        const before = writeSyscalls()
        const first = publisher.publish('turn.d.0', encoder.encode('d0'), undefined, 5_000)
        await microtasks()
        const early = writeSyscalls() - before
        busyFor(LONG_TURN_MS)
        const second = publisher.publish('turn.d.1', encoder.encode('d1'), undefined, 5_000)
        await microtasks()
        done({ early, late: writeSyscalls() - before, acks: Promise.all([first, second]) })
      }),
    )
    // Young, a send waits for the turn's end (the per-turn write); once the turn has held it long, both go within the turn.
    assert.equal(early, 0, `${early} writes before the turn had run long`)
    assert.ok(late >= 1, 'the sends of a long turn waited for its end')
    assertStoredInOrder(await acks)
  })
})

/** Far past the hold: a turn this long must not keep its sends. */
const LONG_TURN_MS = 20

function busyFor(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until);
}

/** Lets the microtasks queued so far run, nats.js's socket flush among them, without ending the turn. */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await null
}
