import assert from 'node:assert/strict'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { HookStore } from '../../integrations/hooks/index.js'
import { eraseMessage } from '../../projections/conversations/erase.js'
import { SYSTEM_ACTOR } from '../../schemas/index.js'
import { seqline } from '../helpers/cli.js'
import { readAll, TEST_PARTITIONS, text, withLogServer } from '../helpers/log.js'

describe('the seqline CLI against a real nats-server', () => {
  const t = withLogServer()
  let env: Record<string, string>
  const ok = async (command: unknown) => {
    const r = await t.handler.execute(command)
    assert.ok(r.ok, JSON.stringify(r))
    return r
  }

  before(async () => {
    env = { SEQLINE_NATS_URL: t.nats.url, SEQLINE_PARTITIONS: String(TEST_PARTITIONS) }
    await ok({ type: 'group.create', id: 'create', conv: 'g_audit', actor: 'ann', data: { name: 'audit', members: ['ben'] } })
    for (let i = 0; i < 30; i++) await ok(text(`m${i}`, 'g_audit', i % 2 ? 'ann' : 'ben', `line ${i}, "quoted"`))
    await ok({ type: 'group.kick', id: 'kick', conv: 'g_audit', actor: 'ann', data: { user: 'ben' } })
  })

  test('export reproduces every event in seq order, as NDJSON and as CSV', async () => {
    const stored = (await readAll(t.log, 'g_audit')).map((s) => s.event)
    const ndjson = await seqline(['export', '--conv', 'g_audit'], env)
    assert.equal(ndjson.code, 0, ndjson.stderr)
    const exported = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.deepEqual(
      exported.filter((l) => !('audit' in l)),
      stored,
    )
    assert.deepEqual(exported.at(-1), { audit: 'head', conv: 'g_audit', seq: stored.length, hash: exported.at(-1).hash }, 'the head line comes last')
    const dir = await mkdtemp(join(tmpdir(), 'seqline-cli-'))
    const csv = await seqline(['export', '--conv', 'g_audit', '--format', 'csv', '--out', join(dir, 'audit.csv')], env)
    assert.equal(csv.code, 0, csv.stderr)
    const lines = (await readFile(join(dir, 'audit.csv'), 'utf8')).trim().split('\n')
    assert.equal(lines[0], 'conv,seq,at,type,actor,cmd,v,data')
    assert.equal(lines.length, stored.length + 1)
    assert.match(lines[5]!, /,"\{""content"":\{""type"":""text""/, 'a cell with quotes is quoted, its quotes doubled')
  })

  test('--verify passes a burned conversation, naming its tombstone, and catches a gap made on purpose', async () => {
    const conv = 'd~ann~ben'
    await ok({ type: 'conversation.create-direct', id: 'open', conv, actor: 'ann', data: { peer: 'ben' } })
    await ok({ type: 'burn.configure', id: 'burn', conv, actor: 'ann', data: { enabled: true, seconds: 1 } })
    const secret = await ok(text('secret', conv, 'ann'))
    await ok(text('after', conv, 'ben'))
    await ok({ type: 'message.burn', id: 'burn-it', conv, actor: SYSTEM_ACTOR, data: { target: secret.seq } })
    await eraseMessage(t.log, conv, secret.seq, [])
    const clean = await seqline(['export', '--conv', conv, '--verify'], env)
    assert.equal(clean.code, 0, clean.stderr)
    assert.match(clean.stderr, new RegExp(`tombstone at 5: burned ${secret.seq}`))
    assert.match(clean.stderr, /verified: seq is dense/)

    const [victim] = await t.log.read('g_audit', { from: 10, limit: 1 })
    await t.log.erase('g_audit', victim!.streamSeq)
    const damaged = await seqline(['export', '--conv', 'g_audit', '--verify'], env)
    assert.equal(damaged.code, 1)
    assert.match(damaged.stderr, /GAP: seqs missing with no tombstone: 10/)
  })

  test('replay shows who was a member, with which role, as of a seq', async () => {
    const before = await seqline(['replay', '--conv', 'g_audit', '--seq', '5'], env)
    const after = await seqline(['replay', '--conv', 'g_audit'], env)
    assert.equal(before.code, 0, before.stderr)
    assert.deepEqual(JSON.parse(before.stdout).members, { ann: { role: 'owner' }, ben: { role: 'member' } })
    assert.deepEqual(Object.keys(JSON.parse(after.stdout).members), ['ann'])
    assert.deepEqual(Object.keys(JSON.parse(after.stdout).former), ['ben'])
  })

  test('doctor reports the server and every stream', async () => {
    const r = await seqline(['doctor'], env)
    assert.match(r.stdout, /^ok\s+nats-server: 2\.\d+/)
    assert.equal(r.stdout.match(/stream SEQLINE_LOG_\d/g)?.length, TEST_PARTITIONS)
  })

  test('doctor lists the before-hooks with their settings, never their secrets', async () => {
    const none = await seqline(['doctor'], env)
    assert.match(none.stdout, /before-hooks: none configured/)
    const store = await HookStore.open(t.nc)
    const secret = 'doctor-secret-0123456789'
    await store.put('moderation', { url: 'http://127.0.0.1:9/hook', commands: ['message.send'], timeoutMs: 250, onFailure: 'reject', order: 3, secret })
    const r = await seqline(['doctor'], env)
    assert.match(r.stdout, /before-hook moderation: http:\/\/127\.0\.0\.1:9\/hook for message\.send; timeout 250 ms, on failure reject, order 3/)
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret))
  })

  test('bad configuration stops start-up with a message naming each value', async () => {
    const bad = await seqline(['doctor'], { ...env, SEQLINE_PARTITIONS: 'many', SEQLINE_REPLICAS: '9', SEQLINE_NATS_URL: 'http://nats' })
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /SEQLINE_PARTITIONS="many": must be a whole number/)
    const dir = await mkdtemp(join(tmpdir(), 'seqline-cfg-'))
    await writeFile(join(dir, 'seqline.json'), JSON.stringify({ replicas: 9, colour: 'blue' }))
    const file = await seqline(['doctor'], { ...env, SEQLINE_CONFIG: join(dir, 'seqline.json') })
    assert.equal(file.code, 1)
    assert.match(file.stderr, /replicas=9: must be <= 5/)
    const missing = await seqline(['doctor'], { ...env, SEQLINE_CONFIG: join(dir, 'nope.json') })
    assert.match(missing.stderr, /SEQLINE_CONFIG=.*nope\.json: ENOENT/)
  })
})
