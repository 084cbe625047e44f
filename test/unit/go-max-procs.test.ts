import assert from 'node:assert/strict'
import { test } from 'node:test'
import { localGoMaxProcs } from '../../ops/servers/nats-server.js'

test("the local nats-server's GOMAXPROCS: half the cores, at least one, unless the environment sets it", () => {
  assert.equal(localGoMaxProcs({}, 1), '1')
  assert.equal(localGoMaxProcs({}, 2), '1')
  assert.equal(localGoMaxProcs({}, 3), '1')
  assert.equal(localGoMaxProcs({}, 4), '2')
  assert.equal(localGoMaxProcs({}, 16), '8')
  assert.equal(localGoMaxProcs({ GOMAXPROCS: '6' }, 2), '6')
  // An empty variable is no setting: Go itself ignores it.
  assert.equal(localGoMaxProcs({ GOMAXPROCS: '' }, 4), '2')
})
