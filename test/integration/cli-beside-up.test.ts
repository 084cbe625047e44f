import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { freePort } from '../../ops/servers/free-port.js'
import { type SeqlineProcess, startSeqline } from '../../ops/servers/seqline-process.js'
import { seqline } from '../helpers/cli.js'

describe('CLI commands beside a running seqline up with the embedded defaults', () => {
  let dir: string
  let env: Record<string, string>
  let up: SeqlineProcess

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'seqline-beside-'))
    env = { SEQLINE_DATA_DIR: dir, SEQLINE_NATS_PORT: String(await freePort()), SEQLINE_API_PORT: '0', SEQLINE_PARTITIONS: '2' }
    up = await startSeqline(env)
  })

  after(async () => {
    await up?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  test('doctor uses the running nats-server and reports the chDB lock as held, not failed', async () => {
    const r = await seqline(['doctor'], env)
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`)
    assert.match(r.stdout, new RegExp(`^ok\\s+nats-server: 2\\.\\d+\\S* at 127\\.0\\.0\\.1:${env.SEQLINE_NATS_PORT}`, 'm'))
    assert.match(r.stdout, /^ok\s+history: embedded chDB, held by a running seqline up \(pid \d+\)/m)
    assert.doesNotMatch(r.stdout, /FAIL/)
  })

  test('export reads the running instance’s log instead of starting a second nats-server', async () => {
    const r = await seqline(['export', '--conv', 'g_nothing-yet'], env)
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.match(up.output(), /Seqline is up/)
  })

  test('seqline up names the console’s address and prints the generated service token on its terminal, and nowhere in its log lines', async () => {
    const { serviceToken } = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as { serviceToken: string }
    const lines = up.output().split('\n')
    assert.ok(lines.includes(`  console      ${up.url}/`), up.output())
    assert.deepEqual(
      lines.filter((line) => line.includes(serviceToken)),
      [`  service token ${serviceToken}  (sign in to the console with it; keep it secret)`],
    )
    const page = await fetch(`${up.url}/`)
    assert.equal(page.status, 200, 'the console is served from the build')
    assert.match(await page.text(), /<title>Seqline console<\/title>/)
  })

  test('seqline up reports the history sink’s lag beside the projection’s, and logs each processor it starts', async () => {
    const metrics = await (await fetch(`${up.url}/metrics`)).text()
    // NaN would mean the lag could not be read; the log is empty, so both are caught up.
    assert.match(metrics, /^seqline_history_lag_events 0$/m)
    assert.match(metrics, /^seqline_history_lag_seconds 0$/m)
    assert.match(metrics, /^seqline_projection_lag_events 0$/m)
    const started = up
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; processor?: string })
      .filter((entry) => entry.msg === 'processor started')
      .map((entry) => entry.processor)
    assert.deepEqual(started.sort(), ['burn-erase', 'conversations', 'history', 'writers', 'ws-hub'])
  })
})
