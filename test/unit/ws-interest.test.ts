import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { encode, storedEventFrame, textFrame } from '../../api/ws/frames.js'
import { MEMBERSHIP_TYPES, mayChangeMembership } from '../../api/ws/interest.js'
import { membershipChange } from '../../core/domain/index.js'
import { EVENT_VERSION, type EventType, type SeqlineEvent } from '../../schemas/index.js'
import { sentEvent } from './scenario.js'

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

describe('routing by conversation before decoding (api/ws/interest.ts)', () => {
  test('every event type outside MEMBERSHIP_TYPES changes no membership, so skipping it unparsed loses nothing', () => {
    const empty = { user: 'u', users: ['u'], members: [{ user: 'u', role: 'owner' }] }
    for (const type of Object.keys(EVENT_VERSION) as EventType[]) {
      if (MEMBERSHIP_TYPES.includes(type)) continue
      const change = membershipChange({ type, conv: 'g_x', seq: 1, data: empty } as unknown as SeqlineEvent)
      assert.deepEqual([change.added, change.removed], [[], []], `${type} changes membership but is not in MEMBERSHIP_TYPES`)
    }
  })

  test('an event of a membership type is seen in its stored bytes; a message quoting one in its text is not', () => {
    for (const type of MEMBERSHIP_TYPES) assert.ok(mayChangeMembership(bytes({ id: 'e', type, conv: 'g_x', seq: 2, data: {} })), type)
    const quoting = sentEvent({ data: { content: { type: 'text', text: '"type":"member.joined"' } } })
    assert.equal(mayChangeMembership(bytes(quoting)), false)
    // A view into a larger buffer (as a NATS message's payload is) is read at its own offset.
    const inner = bytes({ type: 'member.joined' })
    const outer = new Uint8Array(inner.length + 10)
    outer.set(inner, 10)
    assert.ok(mayChangeMembership(outer.subarray(10)))
    assert.equal(mayChangeMembership(outer.subarray(0, 10)), false)
  })

  test('the frame around stored bytes is the wire frame of the text encode() gives for the event, at every header length', () => {
    // Texts whose frames take a 7-bit, a 16-bit and a 64-bit length.
    for (const size of [10, 200, 70000]) {
      const event = sentEvent({ data: { content: { type: 'text', text: `héllo "quoted" ✓ ${'z'.repeat(size)}` } } }) as SeqlineEvent
      const frame = storedEventFrame(bytes(event))
      assert.deepEqual(frame, textFrame(encode({ type: 'event', event })), `text of ${size}`)
    }
  })
})
