import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { AckPublisher, directReaderOf } from '../../core/log/index.js'
import type { PubAck } from '../../core/log/publisher.js'
import { startTestNats, type TestNats } from '../helpers/nats.js'

/** Write syscalls this process has made so far (its sockets included). Read synchronously: the thread pool's wake-ups are writes too. */
function writeSyscalls(): number {
  return Number(/^syscw:\s+(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))![1])
}

const encoder = new TextEncoder()
const SENDS = 24

/** `publish` called once from each of SENDS callbacks of its own (as requests and frames arrive), each with its own microtask checkpoint. */
function fromSeparateCallbacks(publish: (i: number) => Promise<PubAck>): Promise<PubAck[]> {
  return Promise.all(Array.from({ length: SENDS }, (_, i) => new Promise<PubAck>((done, fail) => setImmediate(() => publish(i).then(done, fail)))))
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
    // Its reply subscription is written out before counting.
    await nc.flush()
    const before = writeSyscalls()
    const acks = await fromSeparateCallbacks((i) => publisher.publish(`turn.a.${i}`, encoder.encode(`a${i}`), undefined, 5_000))
    const writes = writeSyscalls() - before
    // One write per publish would be SENDS writes; the PubAcks are reads.
    assert.ok(writes <= 2, `${writes} write syscalls for ${SENDS} publishes`)
    const first = acks[0]!.seq
    assert.deepEqual(
      acks.map((a) => a.seq),
      Array.from({ length: SENDS }, (_, i) => first + i),
    )
  })

  test('two publishers of one connection share the turn: interleaved publishes keep their order across both', async () => {
    const one = new AckPublisher(nc)
    const two = new AckPublisher(nc)
    after(() => {
      one.close()
      two.close()
    })
    await nc.flush()
    const before = writeSyscalls()
    const acks = await fromSeparateCallbacks((i) => (i % 2 ? two : one).publish(`turn.b.${i}`, encoder.encode(`b${i}`), undefined, 5_000))
    const writes = writeSyscalls() - before
    assert.ok(writes <= 2, `${writes} write syscalls for ${SENDS} publishes through two publishers`)
    const first = acks[0]!.seq
    assert.deepEqual(
      acks.map((a) => a.seq),
      Array.from({ length: SENDS }, (_, i) => first + i),
    )
  })

  test('direct gets made in separate callbacks of one turn go out beside the publishes in one write', async () => {
    const publisher = new AckPublisher(nc)
    after(() => publisher.close())
    const reader = directReaderOf(nc)
    await publisher.publish('turn.c.0', encoder.encode('c0'), undefined, 5_000)
    await nc.flush()
    const before = writeSyscalls()
    const got = await Promise.all(
      Array.from(
        { length: SENDS },
        (_, i) =>
          new Promise<unknown>((done, fail) =>
            setImmediate(() =>
              (i % 2
                ? reader.get('TURN', { last_by_subj: 'turn.c.0' }, 5_000)
                : publisher.publish(`turn.c.${i + 1}`, encoder.encode('c'), undefined, 5_000)
              ).then(done, fail),
            ),
          ),
      ),
    )
    const writes = writeSyscalls() - before
    assert.ok(writes <= 2, `${writes} write syscalls for ${SENDS / 2} gets and ${SENDS / 2} publishes`)
    for (let i = 1; i < SENDS; i += 2) assert.equal((got[i] as { string(): string } | null)?.string(), 'c0')
  })
})
