import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isPrivate, PRIVATE_EVENT_TYPES, reaches } from '../../core/domain/audience.js'
import { EVENT_TYPES } from '../../schemas/index.js'

describe('who an event reaches', () => {
  test('a hide reaches its actor only', () => {
    const hide = { type: 'message.deleted_for_me', actor: 'kim' } as const
    assert.equal(reaches(hide, 'kim'), true)
    assert.equal(reaches(hide, 'lee'), false)
  })

  test('everything else reaches every reader, reads included (receipts share them)', () => {
    for (const type of EVENT_TYPES.filter((t) => t !== 'message.deleted_for_me')) {
      assert.equal(isPrivate({ type }), false, type)
      assert.equal(reaches({ type, actor: 'kim' }, 'lee'), true, type)
    }
  })

  test('private types are event types of the log', () => {
    for (const type of PRIVATE_EVENT_TYPES) assert.ok(EVENT_TYPES.includes(type), type)
  })
})
