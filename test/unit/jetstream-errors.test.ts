import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { JetStreamApiError } from '@nats-io/jetstream'
import { JetStreamStatusError } from '@nats-io/jetstream/internal'
import { errors } from '@nats-io/transport-node'
import { isNotNowRefusal, isStreamNotFound, isUnavailable, isWrongLastSequence } from '../../core/log/jetstream-errors.js'

// The errors are nats.js's own classes, as its clients throw them; what the server says in each is as nats-server 2.9 answers.
const apiError = (code: number, err_code: number, description: string) => new JetStreamApiError({ code, err_code, description })

describe('classifying nats.js errors for the log', () => {
  test('a wrong last sequence is a conflict, nothing else is', () => {
    assert.equal(isWrongLastSequence(apiError(400, 10071, 'wrong last sequence: 41')), true)
    assert.equal(isWrongLastSequence(apiError(400, 10164, 'wrong last sequence')), false)
    assert.equal(isWrongLastSequence(new Error('wrong last sequence: 41')), false, 'by its code, never its message')
  })

  test('stream not found by its code', () => {
    assert.equal(isStreamNotFound(apiError(404, 10059, 'stream not found')), true)
    assert.equal(isStreamNotFound(apiError(404, 10037, 'no message found')), false)
  })

  test('"not now" refusals and failures pass once the stream has a leader; refusals for good do not', () => {
    assert.equal(isNotNowRefusal(apiError(503, 10008, 'JetStream system temporarily unavailable')), true)
    assert.equal(isNotNowRefusal(apiError(500, 10009, 'JetStream cluster can not handle request')), true)
    assert.equal(isNotNowRefusal(apiError(400, 10071, 'wrong last sequence: 41')), false)
    assert.equal(isUnavailable(apiError(503, 10999, 'anything answered with 503')), true)
    assert.equal(isUnavailable(new errors.TimeoutError()), true)
    const noResponders = new errors.RequestError('no responders', { cause: new errors.NoRespondersError('$JS.API.DIRECT.GET.X') })
    assert.equal(isUnavailable(noResponders), true)
    assert.equal(isUnavailable(new Error('jetstream is not enabled', { cause: noResponders })), true, 'wrapped, as JetStreamNotEnabled wraps it')
    assert.equal(isUnavailable(new JetStreamStatusError('request timeout', 408)), true)
    assert.equal(isUnavailable(new JetStreamStatusError('no responders', 503)), true)
    assert.equal(isUnavailable(new JetStreamStatusError('bad request', 400)), false)
    assert.equal(isUnavailable(apiError(400, 10071, 'wrong last sequence: 41')), false)
    assert.equal(isUnavailable(new Error('TimeoutError')), false)
  })
})
