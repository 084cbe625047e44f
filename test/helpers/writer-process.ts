import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { onLines } from './child-lines.js'
import { TEST_PARTITIONS } from './log.js'

const WRITER = fileURLToPath(new URL('../fixtures/writer.js', import.meta.url))

export interface Ack {
  conv: string
  seq: number
  id: string
  duplicate: boolean
}

/** A writer child process (test/fixtures/writer.ts) and the acknowledgements it has printed so far. */
export interface WriterProcess {
  child: ChildProcess
  acks: Ack[]
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
  /** Resolves once at least n acks arrived. */
  acked(n: number): Promise<void>
}

export function startWriter(url: string, actor: string, convs: string[], from: number, to: number): WriterProcess {
  const child = spawn(process.execPath, [WRITER, url, actor, convs.join(','), String(from), String(to), String(TEST_PARTITIONS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const acks: Ack[] = []
  const waiters: Array<{ n: number; resolve: () => void }> = []
  onLines(child, (tag, rest) => {
    if (tag === 'ACK') {
      const [conv, seq, id, kind] = rest.split(' ')
      acks.push({ conv: conv!, seq: Number(seq), id: id!, duplicate: kind === 'dup' })
    }
    for (const w of waiters.filter((w) => acks.length >= w.n)) w.resolve()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const acked = (n: number) => (acks.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })))
  return { child, acks, exited, acked }
}
