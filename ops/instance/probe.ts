// The probes of a process that serves no API (role projector or sink): the
// platform asks /healthz (alive) and /readyz (ready) as it asks the API's,
// and scrapes /metrics (the process's figures and its processors' lag).
import { createServer, type ServerResponse } from 'node:http'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Registry } from 'prom-client'
import { readiness } from '../../api/index.js'
import type { Lag, Logger } from '../../projections/runtime/index.js'

export interface RunningProbe {
  url: string
  close(): Promise<void>
}

/**
 * /healthz answers 200 while the process runs; /readyz 200 when NATS answers and the role's work is under a few
 * seconds behind, else 503; /metrics the registry in Prometheus's text format.
 */
export async function startProbe(
  nc: NatsConnection,
  lag: () => Promise<Lag>,
  metrics: { registry: Registry; logger: Logger },
  host: string,
  port: number,
): Promise<RunningProbe> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0]
    const send = (code: number, body: unknown) => response.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (request.method !== 'GET') return send(405, { error: 'METHOD_NOT_ALLOWED', message: 'probes answer GET only' })
    if (path === '/healthz') return send(200, { status: 'ok' })
    if (path === '/metrics') return scrape(metrics, response)
    if (path !== '/readyz') return send(404, { error: 'NOT_FOUND', message: 'this process serves /healthz, /readyz and /metrics only (its role runs no API)' })
    readiness(nc, lag).then(
      (state) => send(state.ready ? 200 : 503, state),
      (err: unknown) => send(503, { ready: false, reasons: [String(err)] }),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const address = server.address()
  const bound = typeof address === 'object' && address ? address.port : port
  return {
    url: `http://${host}:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function scrape({ registry, logger }: { registry: Registry; logger: Logger }, response: ServerResponse): void {
  registry.metrics().then(
    (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
    (err: unknown) => {
      // A scrape that fails is the process's own fault: logged, and answered as such.
      logger.error({ err: String(err) }, 'metrics scrape failed')
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'INTERNAL', message: 'metrics unavailable' }))
    },
  )
}
