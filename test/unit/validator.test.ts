import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MAX_TEXT_LENGTH } from '../../schemas/content.js'
import { COMMAND_TYPES } from '../../schemas/index.js'
import { describeErrors, type FieldError, MAX_COMMAND_BYTES, type Validation, validateCommand, validateEvent } from '../../schemas/validator.js'
import { eventId, sentEvent } from './scenario.js'

/** A valid message.send; tests change one thing at a time. */
function send(data: Record<string, unknown> = { content: { type: 'text', text: 'hi' } }, envelope: Record<string, unknown> = {}) {
  return { type: 'message.send', id: 'c-1', conv: 'g_team', actor: 'alice', data, ...envelope }
}

function directCreate(peer: unknown) {
  return { type: 'conversation.create-direct', id: 'c-1', conv: 'd~alice~bob', actor: 'alice', data: { peer } }
}

function errorsOf<T>(v: Validation<T>): FieldError[] {
  if (v.ok) assert.fail(`expected errors, got a valid ${JSON.stringify(v.value)}`)
  assert.ok(v.errors.length > 0, 'a refusal without errors')
  return v.errors
}

function fieldsOf<T>(v: Validation<T>): string[] {
  return errorsOf(v).map((e) => e.field)
}

function assertValid<T>(v: Validation<T>): void {
  if (!v.ok) assert.fail(`expected valid, got ${describeErrors(v.errors)}`)
}

/** One error at one field with one rule: what a client can act on. */
function assertSingleError<T>(v: Validation<T>, field: string, rule: string): void {
  assert.deepEqual(
    errorsOf(v).map((e) => [e.field, e.rule]),
    [[field, rule]],
  )
}

describe('validateCommand accepts', () => {
  test('a plain text message, returning the input as value', () => {
    const input = send()
    const v = validateCommand(input)
    assertValid(v)
    assert.equal(v.ok && v.value, input)
  })

  test('one valid command of every type', () => {
    const data: Record<string, unknown> = {
      'conversation.create-direct': { peer: 'bob' },
      'group.create': { name: 'Team', members: ['bob'], admins: ['carol'], joinable: true, avatar: 'https://x.io/a.png', notice: '' },
      'group.invite': { users: ['bob'] },
      'group.join': {},
      'group.leave': {},
      'group.kick': { user: 'bob' },
      'group.change-role': { user: 'bob', role: 'admin' },
      'group.transfer-ownership': { to: 'bob' },
      'group.update-info': { name: 'New' },
      'group.mute': {},
      'group.unmute': {},
      'member.mute': { user: 'bob', seconds: 60 },
      'member.unmute': { user: 'bob' },
      'group.dissolve': {},
      'message.send': {
        content: { type: 'image', url: 'https://x.io/c.png', mime: 'image/png', width: 10, height: 10 },
        mentions: { users: ['bob'], all: false },
        replyTo: 3,
      },
      'message.edit': { target: 3, content: { type: 'custom', kind: 'card', payload: { a: [1, { b: null }] } } },
      'message.recall': { target: 3, erase: true },
      'message.delete-for-me': { targets: [1, 2] },
      'conversation.read': { upTo: 9 },
      'burn.configure': { enabled: true, seconds: 30 },
      'notifications.configure': { mode: 'mentions', until: 1_800_000_000_000 },
      'message.burn': { target: 3 },
      'retention.configure': { days: 30 },
      'content.erase': { reason: 'user-erasure', user: 'bob', request: 'r1', targets: [3, 5] },
      'channel.create': { name: 'News', subscribers: ['bob'], admins: ['carol'], joinable: true },
      'reaction.add': { target: 2, key: '👍' },
      'reaction.remove': { target: 2, key: 'thumbsup' },
      'message.pin': { target: 2 },
      'message.unpin': { target: 2 },
    }
    assert.deepEqual(Object.keys(data).sort(), [...COMMAND_TYPES].sort())
    for (const type of COMMAND_TYPES) {
      assertValid(validateCommand({ type, id: 'c-1', conv: 'g_team', actor: 'alice', data: data[type] }))
    }
  })

  test('a file message', () => {
    assertValid(validateCommand(send({ content: { type: 'file', url: 'https://x.io/f', name: 'f.txt', size: 0 } })))
  })

  test('Seqline itself as the actor', () => {
    assertValid(validateCommand(send(undefined, { actor: '@system' })))
  })

  test('user ids of 1 and 64 characters from the whole alphabet', () => {
    assertValid(validateCommand(directCreate('b')))
    assertValid(validateCommand(directCreate('Az09_-'.padEnd(64, 'x'))))
  })

  test(`text of exactly ${MAX_TEXT_LENGTH} characters`, () => {
    assertValid(validateCommand(send({ content: { type: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH) } })))
  })

  test('a direct conversation id', () => {
    assertValid(validateCommand(send(undefined, { conv: 'd~alice~bob' })))
  })
})

describe('validateCommand refuses', () => {
  test('non-objects as a whole document', () => {
    for (const input of [null, undefined, 42, 'message.send', [], [send()], true]) {
      assertSingleError(validateCommand(input), '', 'type')
    }
  })

  test('an unknown or missing command type at /type', () => {
    assertSingleError(validateCommand(send(undefined, { type: 'message.shout' })), '/type', 'enum')
    assertSingleError(validateCommand(send(undefined, { type: 7 })), '/type', 'enum')
    const { type: _, ...untyped } = send()
    assertSingleError(validateCommand(untyped), '/type', 'enum')
  })

  test('an event type is not a command type', () => {
    assertSingleError(validateCommand(send(undefined, { type: 'message.sent' })), '/type', 'enum')
  })

  test('wrong types at their field', () => {
    assertSingleError(validateCommand({ type: 'conversation.read', id: 'c', conv: 'g_x', actor: 'a', data: { upTo: '5' } }), '/data/upTo', 'type')
    assertSingleError(validateCommand({ type: 'conversation.read', id: 'c', conv: 'g_x', actor: 'a', data: { upTo: 1.5 } }), '/data/upTo', 'type')
    assertSingleError(validateCommand({ type: 'group.update-info', id: 'c', conv: 'g_x', actor: 'a', data: { joinable: 'yes' } }), '/data/joinable', 'type')
    assertSingleError(validateCommand(send({ content: { type: 'text', text: 5 } })), '/data/content/text', 'type')
    assertSingleError(validateCommand(send(undefined, { data: 'hi' })), '/data', 'type')
  })

  test('numbers out of range at their field', () => {
    assertSingleError(validateCommand({ type: 'conversation.read', id: 'c', conv: 'g_x', actor: 'a', data: { upTo: 0 } }), '/data/upTo', 'minimum')
    const tooLong = { type: 'member.mute', id: 'c', conv: 'g_x', actor: 'a', data: { user: 'b', seconds: 400 * 24 * 3600 } }
    assertSingleError(validateCommand(tooLong), '/data/seconds', 'maximum')
  })

  test('a role outside admin and member', () => {
    const v = validateCommand({ type: 'group.change-role', id: 'c', conv: 'g_x', actor: 'a', data: { user: 'b', role: 'owner' } })
    assert.ok(
      fieldsOf(v).every((f) => f === '/data/role'),
      JSON.stringify(fieldsOf(v)),
    )
  })

  test('unknown fields, naming the extra key', () => {
    assertSingleError(validateCommand(send(undefined, { metadata: { now: 1 } })), '/metadata', 'additionalProperties')
    assertSingleError(validateCommand(send({ content: { type: 'text', text: 'hi' }, silent: true })), '/data/silent', 'additionalProperties')
    assertSingleError(validateCommand(send({ content: { type: 'text', text: 'hi', bold: true } })), '/data/content/bold', 'additionalProperties')
    assertSingleError(validateCommand({ type: 'group.join', id: 'c', conv: 'g_x', actor: 'a', data: { why: 'fun' } }), '/data/why', 'additionalProperties')
  })

  test('an unknown field whose name holds / or ~ is named by an escaped JSON pointer token', () => {
    assertSingleError(validateCommand(send({ content: { type: 'text', text: 'hi' }, 'a/b~c': 1 })), '/data/a~1b~0c', 'additionalProperties')
  })

  test('every unknown field, not just the first', () => {
    const v = validateCommand(send({ content: { type: 'text', text: 'hi' }, x: 1, y: 2 }, { z: 3 }))
    assert.deepEqual(fieldsOf(v).sort(), ['/data/x', '/data/y', '/z'])
  })

  test('missing required fields, naming the missing key', () => {
    assertSingleError(validateCommand(directCreate(undefined)), '/data/peer', 'required')
    const { data: _, ...dataless } = send()
    assertSingleError(validateCommand(dataless), '/data', 'required')
    const { id: __, ...idless } = send()
    assertSingleError(validateCommand(idless), '/id', 'required')
    assertSingleError(validateCommand(send({})), '/data/content', 'required')
  })

  test('an update-info that changes nothing', () => {
    assertSingleError(validateCommand({ type: 'group.update-info', id: 'c', conv: 'g_x', actor: 'a', data: {} }), '/data', 'minProperties')
  })

  test('empty and duplicate user lists', () => {
    const invite = (users: string[]) => ({ type: 'group.invite', id: 'c', conv: 'g_x', actor: 'a', data: { users } })
    assertSingleError(validateCommand(invite([])), '/data/users', 'minItems')
    assertSingleError(validateCommand(invite(['b', 'b'])), '/data/users', 'uniqueItems')
  })

  test(`text over ${MAX_TEXT_LENGTH} characters`, () => {
    assertSingleError(validateCommand(send({ content: { type: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH + 1) } })), '/data/content/text', 'maxLength')
  })

  test('empty text', () => {
    assertSingleError(validateCommand(send({ content: { type: 'text', text: '' } })), '/data/content/text', 'minLength')
  })

  test(`a whole command over ${MAX_COMMAND_BYTES} bytes of JSON, as the document`, () => {
    const big = send({ content: { type: 'custom', kind: 'blob', payload: { data: 'x'.repeat(MAX_COMMAND_BYTES) } } })
    assertSingleError(validateCommand(big), '', 'maxBytes')
  })

  test('the byte limit counts bytes, not characters', () => {
    // 'é' is two bytes in UTF-8: under the limit in characters, over it in bytes.
    const wide = send({ content: { type: 'custom', kind: 'blob', payload: { data: 'é'.repeat(MAX_COMMAND_BYTES / 2 + 10) } } })
    assert.ok(JSON.stringify(wide).length < MAX_COMMAND_BYTES)
    assertSingleError(validateCommand(wide), '', 'maxBytes')
  })

  test('a custom payload just under the byte limit is fine', () => {
    const fits = send({ content: { type: 'custom', kind: 'blob', payload: { data: 'x'.repeat(MAX_COMMAND_BYTES - 200) } } })
    assertValid(validateCommand(fits))
  })

  for (const bad of ['a.b', 'a*', 'a b', 'a>b', 'a/b', 'a~b', '@bob', '', 'x'.repeat(65), 'ü']) {
    test(`the user id ${JSON.stringify(bad.length > 10 ? `${bad.slice(0, 5)}…(${bad.length})` : bad)}`, () => {
      const v = validateCommand(directCreate(bad))
      assert.ok(
        fieldsOf(v).every((f) => f === '/data/peer'),
        JSON.stringify(errorsOf(v)),
      )
    })
  }

  test('a user id inside a list, pointing at its index', () => {
    const v = validateCommand({ type: 'group.invite', id: 'c', conv: 'g_x', actor: 'a', data: { users: ['ok', 'not.ok'] } })
    assertSingleError(v, '/data/users/1', 'pattern')
  })

  test('an actor that is neither a user id nor @system, with every error at /actor', () => {
    for (const actor of ['a.b', '@root', 'a b', '']) {
      const v = validateCommand(send(undefined, { actor }))
      assert.ok(
        fieldsOf(v).every((f) => f === '/actor'),
        JSON.stringify(errorsOf(v)),
      )
    }
  })

  for (const conv of ['team', 'x_team', 'g_', 'g_a.b', 'g_a b', 'd~alice', 'd~alice~', 'd~a~b~c', 'd~a.b~c', 'D~a~b', 'G_team']) {
    test(`the conversation id ${JSON.stringify(conv)}`, () => {
      assertSingleError(validateCommand(send(undefined, { conv })), '/conv', 'pattern')
    })
  }

  test('a command id with characters outside its alphabet', () => {
    assertSingleError(validateCommand(send(undefined, { id: 'c 1' })), '/id', 'pattern')
  })
})

describe('the tagged content union', () => {
  test('an unknown content type is one error at /data/content', () => {
    assertSingleError(validateCommand(send({ content: { type: 'video', url: 'https://x.io/v' } })), '/data/content', 'discriminator')
  })

  test("a known type reports only its own branch's errors", () => {
    assertSingleError(validateCommand(send({ content: { type: 'image' } })), '/data/content/url', 'required')
    assertSingleError(validateCommand(send({ content: { type: 'file', url: 'https://x.io/f', name: 'f' } })), '/data/content/size', 'required')
    assertSingleError(validateCommand(send({ content: { type: 'image', url: 'not a url' } })), '/data/content/url', 'format')
    assertSingleError(validateCommand(send({ content: { type: 'custom', kind: 'has space', payload: {} } })), '/data/content/kind', 'pattern')
  })

  test('a missing or non-string type points into /data/content without oneOf or anyOf noise', () => {
    for (const content of [{ text: 'hi' }, { type: 5, text: 'hi' }]) {
      const errors = errorsOf(validateCommand(send({ content })))
      assert.ok(
        errors.every((e) => e.field.startsWith('/data/content')),
        JSON.stringify(errors),
      )
      assert.ok(
        errors.every((e) => e.rule !== 'oneOf' && e.rule !== 'anyOf'),
        JSON.stringify(errors),
      )
    }
  })

  test('content that is not an object', () => {
    const errors = errorsOf(validateCommand(send({ content: 'hi' })))
    assert.ok(
      errors.every((e) => e.field === '/data/content'),
      JSON.stringify(errors),
    )
  })

  test('the same holds inside message.edit', () => {
    const edit = { type: 'message.edit', id: 'c', conv: 'g_x', actor: 'a', data: { target: 1, content: { type: 'sticker' } } }
    assertSingleError(validateCommand(edit), '/data/content', 'discriminator')
  })
})

describe('validateEvent', () => {
  test('accepts a valid event, also by Seqline itself', () => {
    assertValid(validateEvent(sentEvent()))
    assertValid(validateEvent(sentEvent({ actor: '@system', data: { content: { type: 'text', text: 'x' }, burnAfter: 30 } })))
  })

  test('accepts both kinds of conversation.created', () => {
    assertValid(validateEvent(sentEvent({ type: 'conversation.created', conv: 'd~a~b', data: { kind: 'direct', members: ['a', 'b'] } })))
    const group = { kind: 'group', name: 'T', joinable: false, members: [{ user: 'a', role: 'owner' }] }
    assertValid(validateEvent(sentEvent({ type: 'conversation.created', data: group })))
  })

  test('refuses an unknown conversation kind at /data', () => {
    const v = validateEvent(sentEvent({ type: 'conversation.created', data: { kind: 'broadcast', members: [] } }))
    assertSingleError(v, '/data', 'discriminator')
  })

  test('refuses a command type as an event type', () => {
    assertSingleError(validateEvent(sentEvent({ type: 'message.send' })), '/type', 'enum')
  })

  test('refuses non-objects', () => {
    assertSingleError(validateEvent('event'), '', 'type')
  })

  test('refuses an event id that is not 22 characters of the id alphabet', () => {
    for (const id of ['short', `${eventId(1)}x`, `${eventId(1).slice(0, 21)}.`]) {
      assertSingleError(validateEvent(sentEvent({ id })), '/id', 'pattern')
    }
  })

  test('refuses a seq below 1 and a missing command id', () => {
    assertSingleError(validateEvent(sentEvent({ seq: 0 })), '/seq', 'minimum')
    assertSingleError(validateEvent(sentEvent({ cmd: undefined })), '/cmd', 'required')
  })

  test('refuses a burnAfter of zero', () => {
    assertSingleError(validateEvent(sentEvent({ data: { content: { type: 'text', text: 'x' }, burnAfter: 0 } })), '/data/burnAfter', 'minimum')
  })

  test('refuses unknown fields', () => {
    assertSingleError(validateEvent(sentEvent({ extra: true })), '/extra', 'additionalProperties')
  })

  test('refuses a direct conversation of three', () => {
    const v = validateEvent(sentEvent({ type: 'conversation.created', conv: 'd~a~b', data: { kind: 'direct', members: ['a', 'b', 'c'] } }))
    assertSingleError(v, '/data/members', 'maxItems')
  })
})

describe('error text', () => {
  test('describeErrors names every field, / for the whole document', () => {
    const text = describeErrors([
      { field: '', rule: 'type', message: 'must be an object' },
      { field: '/data/peer', rule: 'required', message: 'peer is required' },
    ])
    assert.equal(text, '/: must be an object; /data/peer: peer is required')
  })
})
