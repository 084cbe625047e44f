// The machine a benchmark ran on, for its report: results are only comparable beside it.
import { cpus, totalmem } from 'node:os'

export interface Machine {
  cores: number
  cpu: string | undefined
  memoryGiB: number
  node: string
}

export function machine(): Machine {
  return { cores: cpus().length, cpu: cpus()[0]?.model.trim(), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }
}
