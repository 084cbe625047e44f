import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decodeEvent, encodeForAppend, encodeVouched } from '../../core/log/codec.js'
import type { SeqlineEvent } from '../../schemas/index.js'
import { validationCount } from '../../schemas/validator.js'
import { sentEvent } from './scenario.js'

function sent(text: string): SeqlineEvent {
  return sentEvent({ data: { content: { type: 'text', text } } }) as SeqlineEvent
}

/** The encoding and how many validations it took. */
function encodedWithCount(event: SeqlineEvent) {
  const before = validationCount()
  const encoded = encodeForAppend(event)
  return { encoded, validations: validationCount() - before }
}

describe('encoding an event for the append', () => {
  test('an event nobody vouched for is checked against its schema, and refused when it breaks it', () => {
    const good = encodedWithCount(sent('hi'))
    assert.equal(good.validations, 1)
    assert.ok(good.encoded.ok)
    const bad = encodedWithCount(sent(''))
    assert.equal(bad.validations, 1)
    assert.deepEqual(!bad.encoded.ok && bad.encoded.errors.map((e) => e.field), ['/data/content/text'])
  })

  test('a vouched event is stored as the JSON it was vouched with: no validation, no second encoding', () => {
    const event = sent('hi')
    const json = encodeVouched(event)
    const { encoded, validations } = encodedWithCount(event)
    assert.equal(validations, 0)
    assert.ok(encoded.ok)
    assert.equal(new TextDecoder().decode(encoded.body), json)
    assert.deepEqual(decodeEvent(encoded.body), event)
    assert.equal(encoded.headers.get('Seqline-Seq'), '1')
  })

  test('vouching is for that event object only: an equal copy is checked', () => {
    const event = sent('hi')
    encodeVouched(event)
    assert.equal(encodedWithCount({ ...event }).validations, 1)
  })
})
