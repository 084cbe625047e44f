import { spawn } from 'node:child_process'

/** Undoes tieToParent; call it once the child has been stopped on purpose. */
export type Untie = () => void

// Polls once a second: the parent's death is the only trigger, so the child is
// never touched while this process lives. Exits on its own when the child does,
// which keeps a recycled pid from being signalled later.
const WATCHDOG = `
parent=$1 child=$2 grace=$3
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
kill -0 "$parent" 2>/dev/null && exit 0
kill -TERM "$child" 2>/dev/null || exit 0
sleep "$grace"
kill -KILL "$child" 2>/dev/null
exit 0
`

/**
 * The ties in force, all signalled by one 'exit' hook: a benchmark ties more
 * than the ten hooks Node accepts without a warning. One entry per tie, not
 * per pid: untying one tie (late, or twice) never undoes another.
 */
const tied = new Set<{ pid: number }>()

function signalTied(): void {
  for (const { pid } of tied) signalQuietly(pid, 'SIGTERM')
}

/**
 * Makes a child process end when this process ends, however it ends.
 * A normal exit is caught by the 'exit' hook; a SIGKILL or an unhandled
 * signal skips every hook, so a tiny shell watchdog outlives us to do it.
 */
export function tieToParent(childPid: number, graceSeconds = 5): Untie {
  const tie = { pid: childPid }
  if (tied.size === 0) process.on('exit', signalTied)
  tied.add(tie)
  // Its own process group, like the server's: a Ctrl-C to ours must not take the safety net down with us.
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG, 'seqline-watchdog', String(process.pid), String(childPid), String(graceSeconds)], {
    stdio: 'ignore',
    detached: true,
  })
  // Losing /bin/sh only costs the safety net, never the server.
  watchdog.on('error', () => {})
  watchdog.unref()
  return () => {
    if (!tied.delete(tie)) return
    if (tied.size === 0) process.off('exit', signalTied)
    if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL')
  }
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // Already gone: nothing to clean up.
  }
}
