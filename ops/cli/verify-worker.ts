// The thread that verifies an export while it is written (see VerifyingThread):
// receives the export's bytes in chunks, answers each with an ack, and the
// verification when the bytes end (a null).
import { parentPort, workerData } from 'node:worker_threads'
// The verifier alone, not the log's index: that loads the NATS client and compiles the schemas, a tenth of a second the thread need not spend.
import { ExportVerifier } from '../../core/log/verify-export.js'
import { LineSplitter } from './lines.js'

const port = parentPort!
const verifier = new ExportVerifier(workerData as { conv: string; head: number })
const lines = new LineSplitter((line) => verifier.line(line))

port.on('message', (chunk: Uint8Array | null) => {
  if (chunk === null) {
    lines.end()
    return port.postMessage(verifier.finish())
  }
  lines.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
  port.postMessage(ACK)
})

const ACK = 'ack'
