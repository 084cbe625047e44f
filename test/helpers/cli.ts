import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../ops/cli.js', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * `seqline <args>` in a child process with only PATH and the given environment, as an operator runs it.
 * With `timeoutMs`, a command still running then is killed and the run fails (a refusal that did not happen).
 */
export function seqline(args: string[], env: Record<string, string>, timeoutMs?: number): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve, reject) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (signal === 'SIGKILL' && timeoutMs !== undefined) reject(new Error(`seqline ${args.join(' ')} still ran after ${timeoutMs} ms:\n${stdout}${stderr}`))
      else resolve({ code, stdout, stderr })
    })
  })
}
