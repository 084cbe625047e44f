import assert from 'node:assert/strict'
import { test } from 'node:test'
import { localGoMaxProcs } from '../../ops/servers/index.js'

test("the local nats-server's GOMAXPROCS: half the cores, at least one, unless the environment sets it", () => {
  assert.equal(localGoMaxProcs({}, 1), '1')
  assert.equal(localGoMaxProcs({}, 2), '1')
  assert.equal(localGoMaxProcs({}, 3), '1')
  assert.equal(localGoMaxProcs({}, 4), '2')
  assert.equal(localGoMaxProcs({}, 16), '8')
  assert.equal(localGoMaxProcs({ GOMAXPROCS: '6' }, 2), '6')
  // What Go itself ignores is no setting: the default stands, and is what the banner names.
  for (const ignored of ['', '0', '-1', 'abc', '1.5']) assert.equal(localGoMaxProcs({ GOMAXPROCS: ignored }, 4), '2', `GOMAXPROCS=${ignored}`)
})
