import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { Lag } from '../projections/runtime/runner.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's metrics; /metrics exposes them. */
    metrics: ApiMetrics
  }
}

/**
 * The metrics of one app, in a registry of its own: several apps in one process (tests,
 * or an API beside an admin listener) then never collide on prom-client's global registry.
 */
export interface ApiMetrics {
  readonly registry: Registry
  /** Every HTTP request: method, route pattern, status. */
  readonly http: Histogram<'method' | 'route' | 'status'>
  /** Command endpoints only (the routes tagged `commands`): the time from request to response. */
  readonly commands: Histogram<'method' | 'route' | 'status'>
  /** Open WebSocket connections; the gateway sets it (`app.metrics.connections.set(n)`, or inc()/dec()). */
  readonly connections: Gauge
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export function createMetrics(lag?: () => Promise<Lag>): ApiMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'seqline_' })
  const labelNames = ['method', 'route', 'status'] as const
  const http = new Histogram({
    name: 'seqline_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames,
    buckets: SECONDS,
    registers: [registry],
  })
  const commands = new Histogram({
    name: 'seqline_command_duration_seconds',
    help: 'Command endpoint latency (validate, decide, append, ack) by method, route and status',
    labelNames,
    buckets: SECONDS,
    registers: [registry],
  })
  const connections = new Gauge({ name: 'seqline_ws_connections', help: 'Open WebSocket connections', registers: [registry] })
  if (lag) lagGauges(registry, lag, 'seqline_projection_lag', 'the conversations projection')
  return { registry, http, commands, connections }
}

/**
 * Lag gauges of one processor (`<prefix>_events`, `<prefix>_seconds`). Lag is asked of the
 * processor when scraped, so it is never stale and costs nothing between scrapes.
 */
export function lagGauges(registry: Registry, lag: () => Promise<Lag>, prefix: string, what: string): void {
  // One scrape asks once for both gauges.
  // A failed ask shows as NaN rather than failing the whole scrape.
  let pending: Promise<Lag> | undefined
  const unknown: Lag = { events: Number.NaN, seconds: Number.NaN }
  const current = () => {
    pending ??= lag()
      .catch(() => unknown)
      .finally(() => (pending = undefined))
    return pending
  }
  new Gauge({
    name: `${prefix}_events`,
    help: `Events in the log ${what} has not applied yet`,
    registers: [registry],
    async collect() {
      this.set((await current()).events)
    },
  })
  new Gauge({
    name: `${prefix}_seconds`,
    help: `Age of the oldest event ${what} has not applied yet`,
    registers: [registry],
    async collect() {
      this.set((await current()).seconds)
    },
  })
}

/** Creates the app's metrics, exposes them as `app.metrics`, and times every response. */
export function instrument(app: FastifyInstance, lag?: () => Promise<Lag>): ApiMetrics {
  const metrics = createMetrics(lag)
  app.decorate('metrics', metrics)
  app.addHook('onResponse', async (request, reply) => observe(metrics, request, reply))
  return metrics
}

function observe(metrics: ApiMetrics, request: FastifyRequest, reply: FastifyReply): void {
  // The pattern, not the path: one series per route however many conversations there are.
  const route = request.routeOptions.url ?? 'unmatched'
  const labels = { method: request.method, route, status: String(reply.statusCode) }
  const seconds = reply.elapsedTime / 1000
  metrics.http.observe(labels, seconds)
  if (isCommand(request)) metrics.commands.observe(labels, seconds)
}

function isCommand(request: FastifyRequest): boolean {
  const tags = (request.routeOptions.schema as { tags?: string[] } | undefined)?.tags
  return tags?.includes('commands') ?? false
}
