import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { freePort } from '../../ops/servers/free-port.js'
import { startSeqline, type SeqlineProcess } from '../../ops/servers/seqline-process.js'
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
})
