import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { COMMAND_USAGE, type Command } from '../../ops/cli/index.js'
import { seqline as seqlineWith } from '../helpers/cli.js'

// No nats-server runs here: a command that tried to connect would fail on the closed port, not print usage.
const NO_SERVER = { SEQLINE_NATS_URL: 'nats://127.0.0.1:1', SEQLINE_DATA_DIR: '/nonexistent/seqline' }
const seqline = (args: string[]) => seqlineWith(args, NO_SERVER)

describe('seqline CLI usage', () => {
  for (const command of Object.keys(COMMAND_USAGE) as Command[]) {
    for (const flag of ['--help', '-h']) {
      test(`${command} ${flag} prints the command's usage and exits 0 without starting anything`, async () => {
        const r = await seqline([command, flag])
        assert.equal(r.code, 0, r.stderr)
        assert.equal(r.stdout.trim(), COMMAND_USAGE[command])
        assert.equal(r.stderr, '')
      })
    }
  }

  test('no command, help and --help print the overview', async () => {
    for (const args of [[], ['help'], ['--help'], ['-h']]) {
      const r = await seqline(args)
      assert.equal(r.code, 0)
      assert.match(r.stdout, /^usage: seqline <command>/)
    }
  })

  test('an unknown option is one line naming it, exit 2', async () => {
    const r = await seqline(['export', '--conv', 'g_x', '--colour', 'blue'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^seqline export: Unknown option '--colour'/)
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace')
  })

  test('an unknown command names it, exit 2', async () => {
    const r = await seqline(['expot'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^seqline: unknown command "expot"/)
  })

  test('a bad --seq for replay is refused before connecting', async () => {
    const r = await seqline(['replay', '--conv', 'g_x', '--seq', 'ten'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--seq "ten" is not a positive whole number/)
  })

  test('a time past what a date can hold is refused, not read as Infinity', async () => {
    const r = await seqline(['export', '--since', '9'.repeat(400)])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^seqline export: --since "9{400}" is not a time \(epoch ms or ISO 8601\)/)
  })

  test('a time without a zone, or a day that does not exist, is refused rather than guessed', async () => {
    const local = await seqline(['export', '--since', '2026-12-01T00:00:00'])
    assert.equal(local.code, 2)
    assert.match(local.stderr, /^seqline export: --since "2026-12-01T00:00:00" is not a time \(epoch ms or ISO 8601\): it has no zone/)
    const missing = await seqline(['export', '--since', '2026-02-30T00:00:00Z'])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /month 2 of 2026 has no day 30/)
  })

  test('rebuild names the projections it knows', async () => {
    const r = await seqline(['rebuild', 'everything'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /the projections are "conversations" and "history"/)
  })
})
