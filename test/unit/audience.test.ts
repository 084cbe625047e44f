import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isPrivate, PRIVATE_EVENT_TYPES, reaches } from '../../core/domain/audience.js'
import { EVENT_TYPES } from '../../schemas/index.js'

describe('who an event reaches', () => {
  test('a hide and a notification setting reach their actor only', () => {
    for (const type of ['message.deleted_for_me', 'notifications.configured'] as const) {
      assert.equal(reaches({ type, actor: 'kim' }, 'kim'), true, type)
      assert.equal(reaches({ type, actor: 'kim' }, 'lee'), false, type)
    }
  })

  test('everything else reaches every reader, reads included (receipts share them)', () => {
    for (const type of EVENT_TYPES.filter((t) => t !== 'message.deleted_for_me' && t !== 'notifications.configured')) {
      assert.equal(isPrivate({ type }), false, type)
      assert.equal(reaches({ type, actor: 'kim' }, 'lee'), true, type)
    }
  })

  test('private types are event types of the log', () => {
    for (const type of PRIVATE_EVENT_TYPES) assert.ok(EVENT_TYPES.includes(type), type)
  })
})
