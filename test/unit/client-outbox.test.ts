import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type QueuedCommand, SeqlineSocket, type SocketLike, type Store } from '../../client/src/index.js'

/** A WebSocket stand-in on the client's side of the wire: records what the client writes, opens when told. */
class FakeSocket implements SocketLike {
  static last: FakeSocket | null = null
  readonly sent: unknown[] = []
  private readonly handlers = new Map<string, (event: unknown) => void>()
  constructor(readonly url: string) {
    FakeSocket.last = this
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data))
  }
  close(): void {}
  addEventListener(type: string, listener: (event: never) => void): void {
    this.handlers.set(type, listener as (event: unknown) => void)
  }
  fire(type: string, event: unknown = {}): void {
    this.handlers.get(type)?.(event)
  }
}

const command = (id: string, text: string): QueuedCommand => ({ type: 'message.send', id, conv: 'g_team', data: { content: { type: 'text', text } } })

test('a command sent while the outbox loads neither overwrites the commands of the previous run nor goes ahead of them', async () => {
  const previous = command('from-last-run', 'queued yesterday')
  let release: (value: QueuedCommand[]) => void = () => assert.fail('the outbox was not loaded yet')
  const saves: string[][] = []
  const outbox: Store<QueuedCommand[]> = {
    load: () => new Promise((resolve) => (release = resolve)),
    save: async (value) => void saves.push(value.map((c) => c.id)),
  }
  const live = new SeqlineSocket({ url: 'http://seqline.invalid', token: 't', WebSocket: FakeSocket, outbox })
  const sent = live.sendCommand({ type: 'message.send', id: 'sent-now', conv: 'g_team', data: { content: { type: 'text', text: 'hi' } } })
  sent.catch(() => undefined)
  await new Promise((r) => setImmediate(r))
  release([previous])
  await live.flushed()
  assert.deepEqual(saves, [['from-last-run', 'sent-now']], 'the first save holds both')

  await new Promise((r) => setImmediate(r))
  const socket = FakeSocket.last!
  socket.fire('open')
  const commands = socket.sent.filter((f) => (f as { type: string }).type === 'command').map((f) => (f as { command: { id: string } }).command.id)
  assert.deepEqual(commands, ['from-last-run', 'sent-now'])

  const rid = (socket.sent.find((f) => (f as { command?: { id: string } }).command?.id === 'sent-now') as { rid: string }).rid
  socket.fire('message', { data: JSON.stringify({ type: 'ack', rid, conv: 'g_team', seq: 9, duplicate: false }) })
  assert.deepEqual(await sent, { conv: 'g_team', seq: 9, duplicate: false })
  await live.flushed()
  assert.deepEqual(saves.at(-1), ['from-last-run'], 'acknowledged: only the older one waits')
  live.close()
})
