import { Worker } from 'node:worker_threads'
import type { ExportVerification } from '../../core/log/index.js'

/** Chunks handed over and not yet verified: bounds the memory a slower verifier holds. */
const MAX_IN_FLIGHT = 8

/**
 * Verifies a conversation's NDJSON export on a second thread while the export
 * is read from the log and written: parsing and hashing the lines cost as much
 * as reading them, and on two cores the two overlap instead of adding up.
 */
export class VerifyingThread {
  private readonly worker: Worker
  private readonly result: Promise<ExportVerification>
  private inFlight = 0
  private wake: (() => void) | undefined
  private failure: Error | undefined

  /** `head`: the conversation's head seq in the log, so seqs missing at the end count. */
  constructor(conv: string, head: number) {
    this.worker = new Worker(new URL('./verify-worker.js', import.meta.url), { workerData: { conv, head } })
    this.result = new Promise<ExportVerification>((resolve, reject) => {
      const fail = (err: Error) => {
        this.failure = err
        reject(err)
        this.wake?.()
      }
      this.worker.on('message', (m: 'ack' | ExportVerification) => {
        if (m !== 'ack') return resolve(m)
        this.inFlight--
        this.wake?.()
      })
      this.worker.on('error', fail)
      this.worker.on('exit', (code) => fail(new Error(`the verifying thread stopped before its result (exit code ${code})`)))
    })
    // Observed in finish(); a failure before then stops feed().
    this.result.catch(() => undefined)
  }

  /** Hands a copy of the chunk over (the caller still writes the chunk itself), waiting while too many are unverified. */
  async feed(chunk: Uint8Array): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve))
    if (this.failure) throw this.failure
    const copy = new Uint8Array(chunk)
    this.inFlight++
    this.worker.postMessage(copy, [copy.buffer])
  }

  /** The verification of every byte fed; the thread ends either way. */
  async finish(): Promise<ExportVerification> {
    try {
      if (!this.failure) this.worker.postMessage(null)
      return await this.result
    } finally {
      await this.worker.terminate()
    }
  }

  /** Ends the thread without a result (the export failed). */
  async stop(): Promise<void> {
    await this.worker.terminate()
  }
}
