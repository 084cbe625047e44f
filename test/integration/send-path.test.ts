import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { validationCount } from '../../schemas/validator.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { readAll, withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const CONV = 'g_sendpath'
const content = (text: string) => ({ type: 'text', text })

/** How many validations `act` ran in this process (the API runs in it too). */
async function validationsOf<T>(act: () => Promise<T>): Promise<{ value: T; validations: number }> {
  const before = validationCount()
  const value = await act()
  return { value, validations: validationCount() - before }
}

describe('A send is validated once on its way from the socket to the log', () => {
  const t = withLogServer()
  let s: ApiStack

  before(async () => {
    s = await startApiStack(t, 'send_path')
    t.defer(() => s.stop())
    const created = await t.handler.execute({ type: 'group.create', id: 'create', conv: CONV, actor: 'ann', data: { name: 'path', members: ['ben'] } })
    assert.ok(created.ok, JSON.stringify(created))
  })

  test('over WebSocket: the frame schema, which holds the command schema, is the only validation up to the ack', async () => {
    const socket = await TestSocket.open(wsUrl(s, await s.token('ann')))
    t.defer(() => socket.close())
    const { value: ack, validations } = await validationsOf(() =>
      socket.command({ type: 'message.send', id: 'ws-1', conv: CONV, data: { content: content('over the socket') } }),
    )
    assert.equal(ack.type, 'ack', JSON.stringify(ack))
    assert.equal(validations, 1, 'one validation per send: the frame (not the command again, not the event)')
  })

  test('over REST: the path and the body are each validated once, and the answer carries the event as stored', async () => {
    const token = await s.token('ann')
    const { value: r, validations } = await validationsOf(() =>
      call(`${s.url}/v1/conversations/${CONV}/messages`, 'POST', token, { id: 'rest-1', content: content('over REST') }),
    )
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.equal(validations, 2, 'the path parameters and the body, once each (not the command again, not the event)')
    const stored = (await readAll(t.log, CONV)).find((e) => e.event.cmd === 'rest-1')
    assert.ok(stored)
    assert.deepEqual(r.body, { conv: CONV, seq: stored.event.seq, duplicate: false, event: stored.event })
  })

  test('untrusted callers (CLI, tools) still validate the command, once', async () => {
    const { value: r, validations } = await validationsOf(() =>
      t.handler.execute({ type: 'message.send', id: 'cli-1', conv: CONV, actor: 'ben', data: { content: content('from a tool') } }),
    )
    assert.ok(r.ok, JSON.stringify(r))
    assert.equal(validations, 1)
    const bad = await t.handler.execute({ type: 'message.send', id: 'cli-2', conv: CONV, actor: 'ben', data: { content: content('') } })
    assert.deepEqual(!bad.ok && bad.reason === 'invalid' && bad.errors.map((e) => e.field), ['/data/content/text'])
  })

  test('an event carrying a list the decider read from the log is still checked at the append', async () => {
    const sent = await t.handler.execute({ type: 'message.send', id: 'to-recall', conv: CONV, actor: 'ann', data: { content: content('soon gone') } })
    assert.ok(sent.ok)
    const { value: r, validations } = await validationsOf(() =>
      t.handler.execute({ type: 'message.recall', id: 'recall-1', conv: CONV, actor: 'ann', data: { target: sent.seq, erase: true } }),
    )
    assert.ok(r.ok, JSON.stringify(r))
    assert.equal(validations, 2, 'the command, and the recall event whose edits came from the log')
  })
})
