// seqline up in its roles, apart, as a deployment runs them: an API process,
// a projector and a sink on one nats-server and one ClickHouse server. A
// message sent through the API reaches the inbox only through the projector
// and the search only through the sink; each role's probes say what it does.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Tokens } from '../../api/auth/index.js'
import { RestClient } from '../../client/src/index.js'
import { until } from '../../core/index.js'
import { type SeqlineProcess, startSeqline } from '../../ops/servers/seqline-process.js'
import { seqline } from '../helpers/cli.js'
import { startTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js'
import { startTestNats, type TestNats } from '../helpers/nats.js'

const SEEN_MS = 20_000
/** A refusal comes before anything connects: well within this. */
const REFUSED_MS = 15_000

describe('seqline up --role api, projector and sink as separate processes', () => {
  let nats: TestNats
  let clickhouse: TestClickHouse
  let dir: string
  let env: Record<string, string>
  const roles: Record<string, SeqlineProcess> = {}
  let tokens: Tokens

  before(async () => {
    nats = await startTestNats()
    clickhouse = await startTestClickHouse()
    dir = await mkdtemp(join(tmpdir(), 'seqline-roles-'))
    const secrets = { serviceToken: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(32).toString('base64url') }
    tokens = new Tokens(secrets)
    env = {
      SEQLINE_NATS_URL: nats.url,
      SEQLINE_CLICKHOUSE_URL: clickhouse.url,
      SEQLINE_PARTITIONS: '2',
      SEQLINE_API_HOST: '127.0.0.1',
      SEQLINE_API_PORT: '0',
      SEQLINE_DATA_DIR: dir,
      SEQLINE_SERVICE_TOKEN: secrets.serviceToken,
      SEQLINE_JWT_SECRET: secrets.jwtSecret,
    }
    for (const role of ['api', 'projector', 'sink']) roles[role] = await startSeqline({ ...env, SEQLINE_ROLE: role })
  })

  after(async () => {
    for (const p of Object.values(roles)) await p.stop()
    await nats?.cleanup()
    await clickhouse?.cleanup()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  test('each process runs its role only, and says so', () => {
    assert.match(roles.api!.output(), /^\s*role\s+api$/m)
    assert.doesNotMatch(roles.api!.output(), /^\s*projection\s/m, 'the API process runs no projection')
    assert.doesNotMatch(roles.api!.output(), /sink runs here/, 'the API process runs no sink')
    assert.match(roles.api!.output(), /^\s*writes\s+partitions 0,1 written here \(fair shares among 1 API process\(es\)\)/m)
    assert.doesNotMatch(roles.projector!.output(), /^\s*writes\s/m, 'the projector takes no forwarded commands')
    assert.match(roles.projector!.output(), /^\s*projection\s+conversations .*partitions 0,1 run here/m)
    assert.doesNotMatch(roles.projector!.output(), /^\s*API\s/m)
    assert.match(roles.sink!.output(), /^\s*history\s+ClickHouse server .*sink runs here/m)
    assert.doesNotMatch(roles.sink!.output(), /^\s*projection\s/m)
  })

  test('a message sent through the API reaches the inbox by the projector and the search by the sink', { timeout: 60_000 }, async () => {
    const ann = new RestClient({ url: roles.api!.url, token: (await tokens.mint('ann', 600)).token })
    const ben = new RestClient({ url: roles.api!.url, token: (await tokens.mint('ben', 600)).token })
    const opened = await ann.openDirect('ben')
    await ann.text(opened.conv, 'roles apart quokka')
    // Both commands took their conversation's turn in the API's handler, whose waits its /metrics shows.
    const turns = (await (await fetch(`${roles.api!.url}/metrics`)).text()).match(/^seqline_command_turn_wait_seconds_count (\d+)$/m)
    assert.ok(Number(turns?.[1]) >= 2, `turns: ${turns?.[0]}`)
    const row = await until(async () => (await ben.inbox()).find((r) => r.conv === opened.conv && r.unread === 1), {
      timeoutMs: SEEN_MS,
      everyMs: 100,
      timedOut: () => new Error(`ben's inbox never showed the message:\n${roles.projector!.output()}`),
    })
    assert.equal(row.last?.preview, 'roles apart quokka')
    const hit = await until(async () => (await ben.search('quokka')).hits[0], {
      timeoutMs: SEEN_MS,
      everyMs: 200,
      timedOut: () => new Error(`the search never found the message:\n${roles.sink!.output()}`),
    })
    assert.equal(hit.conv, opened.conv)
  })

  test("every role answers the probes and is scraped; a projector's and a sink's readiness and metrics are their own work, and they serve no API", async () => {
    for (const role of ['api', 'projector', 'sink']) {
      const health = await fetch(`${roles[role]!.url}/healthz`)
      assert.equal(health.status, 200, role)
      const ready = await fetch(`${roles[role]!.url}/readyz`)
      assert.equal(ready.status, 200, `${role}: ${await ready.clone().text()}`)
      const state = (await ready.json()) as { nats: string; lag?: unknown }
      assert.equal(state.nats, 'connected')
      // The API's readiness does not wait for a projector; the projector's and the sink's report the lag they are ready by.
      assert.equal(state.lag === undefined, role === 'api', `${role}: ${JSON.stringify(state)}`)
    }
    // The projection's lag is still watched through the API processes (read from its commits): the lag alerts hold in a deployment of roles.
    const apiMetrics = await (await fetch(`${roles.api!.url}/metrics`)).text()
    assert.match(apiMetrics, /^seqline_projection_lag_events \d+$/m)
    // Alone, the API process writes every partition: nothing forwarded, and the figures say so.
    assert.match(apiMetrics, /^seqline_writes_forwarded\{outcome="answered"\} 0$/m)
    assert.match(apiMetrics, /^seqline_writes_forwarded\{outcome="no_writer"\} 0$/m)
    // A projector and a sink are scraped on their probe port: their own process figures and the lag of the work they do.
    const projectorMetrics = await (await fetch(`${roles.projector!.url}/metrics`)).text()
    assert.match(projectorMetrics, /^seqline_projection_lag_events \d+$/m)
    assert.match(projectorMetrics, /^seqline_push_lag_events \d+$/m)
    assert.match(projectorMetrics, /^seqline_process_cpu_seconds_total /m)
    const sinkMetrics = await (await fetch(`${roles.sink!.url}/metrics`)).text()
    assert.match(sinkMetrics, /^seqline_history_lag_events \d+$/m)
    assert.doesNotMatch(sinkMetrics, /seqline_projection_lag/, 'a sink reports only the work it does')
    const notApi = await fetch(`${roles.projector!.url}/v1/inbox`)
    assert.equal(notApi.status, 404)
    assert.match(((await notApi.json()) as { message: string }).message, /role runs no API/)
  })

  test('a role apart is refused without the servers it shares, naming the setting; an unknown role names the option', async () => {
    const base = { SEQLINE_DATA_DIR: dir, SEQLINE_API_PORT: '0' }
    const noNats = await seqline(['up', '--role', 'projector'], base, REFUSED_MS)
    assert.equal(noNats.code, 1)
    assert.match(noNats.stderr, /SEQLINE_ROLE=projector .*SEQLINE_NATS_URL/)
    const noClickHouse = await seqline(['up'], { ...base, SEQLINE_ROLE: 'sink', SEQLINE_NATS_URL: nats.url }, REFUSED_MS)
    assert.equal(noClickHouse.code, 1)
    assert.match(noClickHouse.stderr, /SEQLINE_ROLE=sink needs SEQLINE_CLICKHOUSE_URL/)
    const unknown = await seqline(['up', '--role', 'worker'], base, REFUSED_MS)
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /--role "worker" is not one of all, api, projector, sink/)
  })
})
