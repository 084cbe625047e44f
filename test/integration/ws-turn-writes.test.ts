import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Duplex } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import { type WebSocket, WebSocketServer, WebSocket as WsClient } from 'ws'
import { textFrame } from '../../api/ws/frames.js'
import { TurnWrites } from '../../api/ws/turn-writes.js'
import { until } from '../../core/until.js'

const WAIT = { timeoutMs: 5000, everyMs: 5 }

/** Counts the writes that reach the socket's handle: one per syscall (write or writev). */
function countWrites(socket: WebSocket): { count: number } {
  const raw = (socket as unknown as { _socket: Duplex & { _write: Duplex['_write']; _writev: NonNullable<Duplex['_writev']> } })._socket
  const counter = { count: 0 }
  const write = raw._write.bind(raw)
  const writev = raw._writev.bind(raw)
  raw._write = (chunk, encoding, cb) => {
    counter.count++
    write(chunk, encoding, cb)
  }
  raw._writev = (chunks, cb) => {
    counter.count++
    writev(chunks, cb)
  }
  return counter
}

describe('WebSocket: the frames one socket is sent in one turn leave in one write', () => {
  let server: WebSocketServer
  let serverSide: WebSocket
  let client: WsClient
  const received: string[] = []

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
    await once(server, 'listening')
    const connected = once(server, 'connection') as Promise<[WebSocket]>
    client = new WsClient(`ws://127.0.0.1:${(server.address() as { port: number }).port}/`, { perMessageDeflate: false })
    client.on('message', (data) => received.push(String(data)))
    ;[serverSide] = await connected
    await once(client, 'open')
  })

  after(async () => {
    client.terminate()
    await new Promise((r) => server.close(r))
  })

  test('three frames of one turn: one write, all three arrive whole and in order; a later turn writes again', async () => {
    const turns = new TurnWrites()
    const writes = countWrites(serverSide)
    for (const text of ['one', 'two', 'three']) turns.write(serverSide, textFrame(text))
    await until(() => (received.length === 3 ? true : undefined), { ...WAIT, timedOut: () => new Error(`got ${JSON.stringify(received)}`) })
    assert.deepEqual(received, ['one', 'two', 'three'])
    assert.equal(writes.count, 1)

    turns.write(serverSide, textFrame('four'))
    await until(() => (received.length === 4 ? true : undefined), { ...WAIT, timedOut: () => new Error(`got ${JSON.stringify(received)}`) })
    assert.equal(received[3], 'four')
    assert.equal(writes.count, 2)
  })

  test('a burst past 64 KiB in one turn goes out as it grows, not held whole until the turn ends', async () => {
    const turns = new TurnWrites()
    const writes = countWrites(serverSide)
    const from = received.length
    const frames = Array.from({ length: 40 }, (_, i) => `${i}:${'y'.repeat(4096)}`)
    for (const f of frames) turns.write(serverSide, textFrame(f))
    await until(() => (received.length === from + frames.length ? true : undefined), {
      ...WAIT,
      timedOut: () => new Error(`got ${received.length - from} of ${frames.length}`),
    })
    assert.deepEqual(received.slice(from), frames)
    // 40 frames of ~4 KiB: a write each time 64 KiB are held, and one at the end of the turn.
    assert.ok(writes.count >= 3 && writes.count <= 4, `${writes.count} writes`)
  })

  test('whole frames of every header length (7, 16 and 64-bit) reach a ws client as their text, beside frames ws sends itself', async () => {
    const turns = new TurnWrites()
    const from = received.length
    // Lengths in UTF-8 bytes around each boundary of RFC 6455's length field; "é" is two bytes, so bytes ≠ characters.
    const texts = [0, 1, 125, 126, 127, 65535, 65536, 200000].map((bytes) => 'é'.repeat(Math.floor(bytes / 2)) + 'x'.repeat(bytes % 2))
    texts.forEach((text, i) => {
      turns.write(serverSide, textFrame(text))
      // ws's own sender writes to the same stream in between: its frames and ours keep the order of the calls.
      if (i === 3) serverSide.send('from ws')
    })
    const expected = [...texts.slice(0, 4), 'from ws', ...texts.slice(4)]
    await until(() => (received.length === from + expected.length ? true : undefined), {
      ...WAIT,
      timedOut: () => new Error(`got ${received.length - from} of ${expected.length}`),
    })
    assert.deepEqual(
      received.slice(from).map((t) => Buffer.byteLength(t)),
      expected.map((t) => Buffer.byteLength(t)),
    )
    assert.deepEqual(received.slice(from), expected)
  })

  test("frames written and not yet sent count in the socket's bufferedAmount, which the slow-client bound reads", async () => {
    const turns = new TurnWrites()
    const from = received.length
    const frame = textFrame('b'.repeat(1000))
    const before = serverSide.bufferedAmount
    turns.write(serverSide, frame)
    // Corked until the turn ends: the whole frame is still held, and ws counts it.
    assert.equal(serverSide.bufferedAmount, before + frame.length)
    await until(() => (received.length === from + 1 ? true : undefined), { ...WAIT, timedOut: () => new Error('the frame never arrived') })
  })

  test('a socket closed while held: its close frame still goes out and nothing throws at the flush', async () => {
    const turns = new TurnWrites()
    turns.write(serverSide, textFrame('last'))
    let code: number | undefined
    client.once('close', (c) => {
      code = c
    })
    serverSide.close(4000, 'bye')
    await until(() => (code === undefined ? undefined : true), { ...WAIT, timedOut: () => new Error('the client saw no close') })
    assert.equal(code, 4000)
    assert.equal(received.at(-1), 'last')
  })
})
