import type { FastifyInstance } from 'fastify'
import { buildApp, type HttpsOptions } from './app.js'
import type { ApiDeps } from './deps.js'

export interface RunningApi {
  app: FastifyInstance
  /** http://host:port */
  url: string
  close(): Promise<void>
}

/** Builds the API and listens, over HTTPS when given a certificate; port 0 picks a free port. */
export async function startApi(deps: ApiDeps, host: string, port: number, https?: HttpsOptions): Promise<RunningApi> {
  const app = await buildApp(deps, https)
  await app.listen({ host, port })
  const address = app.server.address()
  const bound = typeof address === 'object' && address ? address.port : port
  return { app, url: `${https ? 'https' : 'http'}://${host}:${bound}`, close: () => app.close() }
}
