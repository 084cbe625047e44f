import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../../integrations/outbound/index.js'

/** One call a hook receiver got: what Seqline POSTed, and whether its signature verified with the receiver's secret. */
export interface HookCall {
  path: string
  raw: string
  body: any
  headers: IncomingHttpHeaders
  signed: boolean
}

/** An answer: a JSON value to send with 200, a status with a raw body, or no answer at all (the caller times out). */
export type HookReply = { json: unknown } | { status: number; raw: string } | 'hang'

/**
 * A real HTTP receiver for before-hooks (node:http on loopback): it verifies each call's signature
 * with its secret, keeps every call, and answers as the test's `answer` says (which may wait first).
 */
export class HookReceiver {
  readonly calls: HookCall[] = []
  answer: (call: HookCall) => HookReply | Promise<HookReply> = () => ({ json: { action: 'allow' } })

  private constructor(
    private readonly server: Server,
    readonly secret: string,
  ) {}

  static async start(secret: string): Promise<HookReceiver> {
    const server = createServer()
    const receiver = new HookReceiver(server, secret)
    server.on('request', (req, res) => {
      let raw = ''
      req.on('data', (chunk) => {
        raw += chunk
      })
      req.on('end', async () => {
        const call = {
          path: req.url ?? '',
          raw,
          body: JSON.parse(raw),
          headers: req.headers,
          signed: verifySignature(secret, req.headers['seqline-signature'] as string | undefined, raw).ok,
        }
        receiver.calls.push(call)
        const reply = await receiver.answer(call)
        if (reply === 'hang') return
        if ('json' in reply) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json))
        res.writeHead(reply.status).end(reply.raw)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return receiver
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`
  }

  /** The calls made for one command id. */
  callsFor(id: string): HookCall[] {
    return this.calls.filter((c) => c.body.id === id)
  }

  close(): void {
    this.server.closeAllConnections()
    this.server.close()
  }
}
