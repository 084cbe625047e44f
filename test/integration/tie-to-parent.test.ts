import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'

const TIE = new URL('../../ops/servers/tie-to-parent.js', import.meta.url).href

/** Exits 0 once every pid given is gone or a zombie (ended, not yet reaped), 1 after about two seconds. */
const ENDED = `for pid in "$@"; do n=0; while s=$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null) && [ "$s" != Z ]; do n=$((n+1)); [ $n -gt 200 ] && exit 1; sleep 0.01; done; done`

/**
 * A process that ties and unties one sleeping child (its hook added and
 * removed), ties twelve more, ties one child twice and unties one of those
 * ties twice, ties and unties one more, and exits. Its last 'exit' hook runs
 * after the ties' own and reports whether every tied child had ended by then
 * and every untied one still runs: the watchdogs act only once this process
 * is gone, so that is the hook's doing. Warnings are emitted on the next
 * tick; it exits after them.
 */
const PARENT = `
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, writeSync } from 'node:fs'
import { tieToParent } from ${JSON.stringify(TIE)}
const before = process.listenerCount('exit')
const warnings = []
process.on('warning', (w) => warnings.push(w.name))
const sleeper = () => spawn('sleep', ['60'], { stdio: 'ignore' }).pid
const running = (pid) => { try { return readFileSync('/proc/' + pid + '/stat', 'utf8').split(' ')[2] !== 'Z' } catch { return false } }
const first = sleeper()
tieToParent(first)()
const tied = Array.from({ length: 12 }, () => { const pid = sleeper(); tieToParent(pid); return pid })
const twice = sleeper()
const untieOne = tieToParent(twice)
tieToParent(twice)
untieOne()
untieOne()
const untied = sleeper()
tieToParent(untied)()
const hooks = process.listenerCount('exit') - before
const all = [...tied, twice]
process.on('exit', () => {
  const ended = spawnSync('sh', ['-c', ${JSON.stringify(ENDED)}, 'ended', ...all.map(String)]).status === 0
  const untiedRunning = [first, untied].every(running)
  writeSync(1, JSON.stringify({ all, untied: [first, untied], warnings, hooks, ended, untiedRunning }))
})
setImmediate(() => process.exit(0))
`

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('a process ends every child tied to it when it exits, through one exit hook however many are tied; untying undoes only that tie', async () => {
  const parent = spawn(process.execPath, ['--input-type=module', '-e', PARENT], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  parent.stdout.on('data', (d: Buffer) => (out += d))
  parent.stderr.on('data', (d: Buffer) => (err += d))
  const code = await new Promise<number | null>((resolve) => parent.on('exit', resolve))
  assert.equal(code, 0, err)
  const report = JSON.parse(out) as { all: number[]; untied: number[]; warnings: string[]; hooks: number; ended: boolean; untiedRunning: boolean }
  try {
    assert.equal(report.all.length, 13)
    assert.equal(report.hooks, 1, 'exit hooks the ties added')
    assert.deepEqual(report.warnings, [])
    assert.equal(report.ended, true, 'a tied child was still running after the exit hook')
    assert.ok(report.untiedRunning, 'an untied child was signalled too')
  } finally {
    for (const pid of [...report.all, ...report.untied]) if (alive(pid)) process.kill(pid, 'SIGKILL')
  }
})
