import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../../integrations/outbound/index.js'

/** One POST as the receiver got it, with the outcome of checking its signature. */
export interface Received {
  delivery: string
  body: string
  signed: boolean
  at: number
}

/** How the receiver answers: 2xx, a status, or never (past any caller's timeout). */
export type Answer = { status: number } | 'hang'

/**
 * A real HTTP receiver on loopback, as a platform would run one: it verifies
 * each POST's signature with the secret, records it, and answers as the test
 * says. It can go down and come back on the same port.
 */
export class TestReceiver {
  readonly got: Received[] = []
  /** The Seqline-Delivery id of every POST, answered or not. */
  readonly tried: string[] = []
  answer: Answer = { status: 200 }
  private server: Server | null = null
  private port = 0

  constructor(readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const signed = verifySignature(this.secret, req.headers['seqline-signature'] as string | undefined, body).ok
        const answer = this.answer
        this.tried.push(String(req.headers['seqline-delivery']))
        if (answer === 'hang') return
        if (answer.status < 300) this.got.push({ delivery: String(req.headers['seqline-delivery']), body, signed, at: Date.now() })
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{}')
      })
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as AddressInfo).port
    this.server = server
    return this
  }

  /** Goes down: the port refuses connections until start() again. */
  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Every event the receiver took, in the order it took them. */
  events<T = { id: string; conv: string; seq: number; type: string }>(): T[] {
    return this.got.flatMap((r) => (JSON.parse(r.body) as { events: T[] }).events)
  }
}
