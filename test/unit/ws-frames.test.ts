import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseFrame } from '../../api/ws/frames.js'
import { createAjv } from '../../schemas/index.js'
import { ServerFrame } from '../../schemas/ws.js'

const raw = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))
const fields = (value: unknown) => {
  const parsed = parseFrame(raw(value), false)
  if (parsed.ok) return 'ok'
  return (parsed.error.details as { errors: { field: string }[] }).errors.map((e) => e.field)
}

describe('WebSocket frames', () => {
  test('client frames: valid ones pass, each problem is named once by its field', () => {
    assert.equal(fields({ type: 'command', rid: 'r', command: { type: 'conversation.read', id: 'x', conv: 'g_a', data: { upTo: 3 } } }), 'ok')
    assert.equal(fields({ type: 'sync', have: { g_a: 4, 'd~a~b': 0 } }), 'ok')
    assert.equal(fields({ type: 'sync', have: {}, latest: 50 }), 'ok')
    assert.deepEqual(fields({ type: 'sync', have: {}, latest: 0 }), ['/latest'])
    assert.deepEqual(fields({ type: 'sync', have: {}, latest: 10_001 }), ['/latest'])
    assert.deepEqual(fields({}), ['/type'])
    assert.deepEqual(fields({ type: 'typing' }), ['/conv'])
    assert.deepEqual(fields({ type: 'presence', status: 'asleep' }), ['/status'])
    assert.deepEqual(fields({ type: 'ping', extra: 1 }), ['/extra'])
    assert.deepEqual(fields({ type: 'command', rid: '', command: { type: 'nope', id: 'x', conv: 'g_a', data: {} } }), ['/rid', '/command/type'])
    const bad = parseFrame(raw('[1,'), false)
    assert.equal(!bad.ok && bad.error.code, 'MALFORMED_JSON')
  })

  test('an unknown tag is named with the tags of its own union: frame, command or content', () => {
    const messageOf = (value: unknown) => {
      const parsed = parseFrame(raw(value), false)
      assert.equal(parsed.ok, false)
      return parsed.ok ? '' : (parsed.error.details as { errors: { message: string }[] }).errors.map((e) => e.message).join('; ')
    }
    assert.match(messageOf({ type: 'nope' }), /unknown frame type "nope"; expected one of command, sync/)
    assert.match(
      messageOf({ type: 'command', rid: 'r', command: { type: 'nope', id: 'x', conv: 'g_a', data: {} } }),
      /unknown command type "nope"; expected one of .*message\.send/,
    )
    const content = messageOf({
      type: 'command',
      rid: 'r',
      command: { type: 'message.send', id: 'x', conv: 'g_a', data: { content: { type: 'txt', text: 'x' } } },
    })
    assert.match(content, /unknown content type "txt"; expected one of text, image, file, custom/)
    assert.doesNotMatch(content, /message\.send/)
  })

  test('server frames as the gateway writes them match their schema', () => {
    const validate = createAjv().compile(ServerFrame)
    const event = {
      id: 'a'.repeat(22),
      type: 'message.sent',
      conv: 'g_a',
      seq: 2,
      at: 1,
      actor: 'kim',
      v: 1,
      cmd: 'c',
      data: { content: { type: 'text', text: 'hi' } },
    }
    for (const frame of [
      { type: 'ack', rid: 'r', conv: 'g_a', seq: 2, duplicate: false },
      { type: 'error', rid: 'r', error: { code: 'NOT_MEMBER', message: 'no' } },
      { type: 'error', error: { code: 'VALIDATION_FAILED', message: 'no', details: { errors: [] } } },
      { type: 'event', event },
      { type: 'erased', conv: 'g_a', seqs: [1] },
      { type: 'skipped', conv: 'g_a', upTo: 40 },
      { type: 'synced' },
      { type: 'typing', conv: 'g_a', user: 'kim' },
      { type: 'pong' },
    ]) {
      assert.equal(validate(frame), true, `${JSON.stringify(frame)}: ${JSON.stringify(validate.errors)}`)
    }
    assert.equal(validate({ type: 'event', event: { ...event, seq: 0 } }), false)
  })
})
