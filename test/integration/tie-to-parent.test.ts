import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { until } from '../../core/index.js'

const TIE = new URL('../../ops/servers/tie-to-parent.js', import.meta.url).href

/**
 * A process that starts sleeping children, ties each to itself, ties and unties one more, prints their pids and the
 * warnings it was given, and exits (its children would keep it running otherwise). Warnings are emitted on the next
 * tick; it exits after them.
 */
const PARENT = `
import { spawn } from 'node:child_process'
import { tieToParent } from ${JSON.stringify(TIE)}
const warnings = []
process.on('warning', (w) => warnings.push(w.name))
const sleeper = () => spawn('sleep', ['60'], { stdio: 'ignore' }).pid
const tied = Array.from({ length: Number(process.argv[1]) }, () => { const pid = sleeper(); tieToParent(pid); return pid })
const untied = sleeper()
tieToParent(untied)()
setImmediate(() => {
  console.log(JSON.stringify({ tied, untied, warnings }))
  process.exit(0)
})
`

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('every child tied to a process ends when it exits, with one exit hook however many are tied; an untied child lives on', async () => {
  const parent = spawn(process.execPath, ['--input-type=module', '-e', PARENT, '12'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  parent.stdout.on('data', (d: Buffer) => (out += d))
  parent.stderr.on('data', (d: Buffer) => (err += d))
  const code = await new Promise<number | null>((resolve) => parent.on('exit', resolve))
  assert.equal(code, 0, err)
  const { tied, untied, warnings } = JSON.parse(out) as { tied: number[]; untied: number; warnings: string[] }
  try {
    assert.equal(tied.length, 12)
    assert.deepEqual(warnings, [])
    await until(() => (tied.some(alive) ? undefined : true), {
      timeoutMs: 10_000,
      everyMs: 20,
      timedOut: () => new Error(`tied children still running: ${tied.filter(alive).join(', ')}`),
    })
    assert.ok(alive(untied), 'the untied child was signalled too')
  } finally {
    for (const pid of [...tied, untied]) if (alive(pid)) process.kill(pid, 'SIGKILL')
  }
})
