import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as ws from 'ws'
import { encode, storedEventFrame, textFrame } from '../../api/ws/frames.js'
import { MEMBERSHIP_TYPES, mayChangeMembership } from '../../api/ws/interest.js'
import { membershipChange } from '../../core/domain/index.js'
import { EVENT_VERSION, type EventType, type SeqlineEvent } from '../../schemas/index.js'
import { sentEvent } from './scenario.js'

/** ws's framing, which its types do not declare. */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[] }
}

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

  test('a whole frame is the bytes ws itself would write for the text, at every header length', () => {
    // ws's own framing (lib/sender.js), the reference: a server's text frame, unmasked.
    const wsFrame = (payload: Buffer) => Buffer.concat(Sender.frame(payload, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }))
    // Payloads of 0, 125, 126, 65535 and 65536 bytes: each side of the 7-bit, 16-bit and 64-bit length fields.
    for (const bytes of [0, 125, 126, 65535, 65536]) {
      const text = 'é'.repeat(Math.floor(bytes / 2)) + 'x'.repeat(bytes % 2)
      assert.deepEqual(textFrame(text), wsFrame(Buffer.from(text)), `${bytes} bytes`)
    }
    assert.deepEqual([...textFrame('hi')], [0x81, 2, 0x68, 0x69])
  })

  test('the frame around stored bytes is the whole frame of the text encode() gives for the event, at every header length', () => {
    const small = { type: 'message.sent', seq: 1 } as unknown as SeqlineEvent
    assert.ok(Buffer.byteLength(encode({ type: 'event', event: small })) < 126)
    assert.deepEqual(storedEventFrame(bytes(small)), textFrame(encode({ type: 'event', event: small })))
    // Texts whose frames take a 16-bit and a 64-bit length.
    for (const size of [200, 70000]) {
      const event = sentEvent({ data: { content: { type: 'text', text: `héllo "quoted" ✓ ${'z'.repeat(size)}` } } }) as SeqlineEvent
      const frame = storedEventFrame(bytes(event))
      assert.deepEqual(frame, textFrame(encode({ type: 'event', event })), `text of ${size}`)
    }
  })
})
