import { readFileSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

/** What a running `seqline up` with the embedded nats-server tells the CLI commands beside it. */
export interface RunningInstance {
  pid: number
  natsUrl: string
}

const FILE = 'seqline-up.json'

function fileOf(dataDir: string): string {
  return resolve(join(dataDir, FILE))
}

export async function announceRunning(dataDir: string, instance: RunningInstance): Promise<void> {
  await writeFile(fileOf(dataDir), JSON.stringify(instance))
}

export async function withdrawRunning(dataDir: string): Promise<void> {
  await rm(fileOf(dataDir), { force: true })
}

/** The `seqline up` running on this data directory, or null (none announced, or its process is gone). */
export function findRunning(dataDir: string): RunningInstance | null {
  let instance: RunningInstance
  try {
    instance = JSON.parse(readFileSync(fileOf(dataDir), 'utf8')) as RunningInstance
  } catch {
    return null
  }
  return isAlive(instance.pid) ? instance : null
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
