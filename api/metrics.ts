import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { CommandHandler, ForwardStats, HandleResult } from '../core/commands/index.js'
import type { DelivererView } from '../integrations/delivery/index.js'
import type { Pusher } from '../integrations/push/index.js'
import type { Lag } from '../projections/runtime/index.js'
import { COMMAND_TYPES } from '../schemas/index.js'
import { deliveryMetrics } from './delivery-metrics.js'
import { errorCodeOf, toApiError } from './errors.js'
import { gcDuration } from './gc-duration.js'

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
  /** Live delivery: from an event's decision (its `at`) to this process routing it to its sockets. */
  readonly deliveryLag: Histogram
  /** WebSocket command frames: from the frame's arrival to its answer (ack or error) being handed to the socket, by that answer. */
  readonly wsCommands: Histogram<'answer'>
  /** Commands executed, REST and WebSocket alike: by command type, and by result (accepted, duplicate, or the error code). */
  readonly commandResults: Counter<'type' | 'result'>
  /** Error answers of the HTTP API by their stable code (schemas/error-codes.ts). */
  readonly errors: Counter<'code'>
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * What every Seqline process exposes, whatever its role: the process's own
 * figures (CPU, memory, event-loop lag) and the lag and deliveries of the
 * processors it runs. The API adds its request metrics to it; a process of
 * role projector or sink serves it on its probe port.
 */
export function processMetrics({ lag, historyLag, push, deliverers, forwarded }: MetricsOptions): Registry {
  const registry = new Registry()
  // prom-client's default loop-delay sampling interval (10 ms) is what the load benchmark takes off its gauges (ops/bench/load/server-metrics.ts).
  collectDefaultMetrics({ register: registry, prefix: 'seqline_' })
  gcDuration(registry, 'seqline_')
  if (lag) lagGauges(registry, lag, 'seqline_projection_lag', 'the conversations projection')
  if (historyLag) lagGauges(registry, historyLag, 'seqline_history_lag', 'the history sink')
  if (push) pushMetrics(registry, push)
  if (deliverers) deliveryMetrics(registry, deliverers)
  if (forwarded) forwardMetrics(registry, forwarded)
  return registry
}

/** Commands this process forwarded to the writer of their partition, by what became of them; `no_writer` and `unanswered` were handled here. */
function forwardMetrics(registry: Registry, forwarded: () => ForwardStats): void {
  new Gauge({
    name: 'seqline_writes_forwarded',
    help: "Commands forwarded to their partition's writing process, by outcome: answered by it, or handled here (no_writer, unanswered in time)",
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const [outcome, n] of Object.entries(forwarded())) this.set({ outcome }, n)
    },
  })
}

function createMetrics(options: MetricsOptions): ApiMetrics {
  const registry = processMetrics(options)
  const beside = options.beside ?? []
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
  const deliveryLag = new Histogram({
    name: 'seqline_ws_delivery_lag_seconds',
    help: "Time from an event's decision (its at, the deciding process's clock) to this process routing it to its sockets, per event routed to one",
    buckets: SECONDS,
    registers: [registry],
  })
  const wsCommands = new Histogram({
    name: 'seqline_ws_command_duration_seconds',
    help: "WebSocket command frames, from the frame's arrival to its answer being handed to the socket, by answer (ack or error)",
    labelNames: ['answer'] as const,
    buckets: SECONDS,
    registers: [registry],
  })
  const commandResults = new Counter({
    name: 'seqline_commands_total',
    help: 'Commands executed (REST and WebSocket) by command type and result: accepted, duplicate, or the error code',
    labelNames: ['type', 'result'] as const,
    registers: [registry],
  })
  const errors = new Counter({
    name: 'seqline_http_errors_total',
    help: 'HTTP error answers by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  })
  // Metrics kept by other parts of the process (the before-hooks') are exposed beside the app's own.
  const exposed = beside.length > 0 ? Registry.merge([registry, ...beside]) : registry
  return { registry: exposed, http, commands, connections, deliveryLag, wsCommands, commandResults, errors }
}

/**
 * Lag gauges of one processor (`<prefix>_events`, `<prefix>_seconds`). Lag is asked of the
 * processor when scraped, so it is never stale and costs nothing between scrapes.
 */
function lagGauges(registry: Registry, lag: () => Promise<Lag>, prefix: string, what: string): void {
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

/**
 * Offline push: its lag (from its checkpoint, so true whichever process delivers) and
 * what this process delivered: batches and requests taken, failed attempts, parked batches.
 */
function pushMetrics(registry: Registry, push: Pusher): void {
  lagGauges(registry, async () => (await push.status())?.lag ?? { events: 0, seconds: 0 }, 'seqline_push_lag', 'offline push')
  const figures = [
    ['seqline_push_batches_delivered', 'Push batches the push service took (2xx), by this process', () => push.stats.batches],
    ['seqline_push_messages_delivered', 'Messages whose pushes the push service took, by this process', () => push.stats.events],
    ['seqline_push_failures', 'Failed push attempts (non-2xx, timeout, refused, redirect), by this process', () => push.stats.failures],
    ['seqline_push_parked', 'Push batches parked after their maximum age, by this process', () => push.stats.parked],
  ] as const
  for (const [name, help, value] of figures) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value())
      },
    })
  }
}

export interface MetricsOptions {
  /** Lag of the projection behind the views, when this process runs it. */
  lag?: () => Promise<Lag>
  /** Lag of the history sink behind the log. */
  historyLag?: () => Promise<Lag>
  /** Offline push, when this process runs it. */
  push?: Pusher
  /** Registries of other parts of the process, exposed on /metrics beside the app's. */
  beside?: Registry[]
  /** The webhook, bot and push deliverers of this process. */
  deliverers?: () => DelivererView[]
  /** What became of the commands this process forwarded to their partition's writer. */
  forwarded?: () => ForwardStats
}

/**
 * The app's metrics as `app.metrics`: every response timed and every error answer counted.
 * Registered before the routes, at the root, so its hook sees them all; /metrics exposes them.
 */
export const metrics = fp<MetricsOptions>(
  async (app, options) => {
    const created = createMetrics(options)
    app.decorate('metrics', created)
    app.addHook('onResponse', async (request, reply) => observe(created, request, reply))
  },
  { name: 'seqline-metrics' },
)

function observe(metrics: ApiMetrics, request: FastifyRequest, reply: FastifyReply): void {
  // The pattern, not the path: one series per route however many conversations there are.
  const route = request.routeOptions.url ?? 'unmatched'
  const labels = { method: request.method, route, status: String(reply.statusCode) }
  const seconds = reply.elapsedTime / 1000
  metrics.http.observe(labels, seconds)
  if (isCommand(request)) metrics.commands.observe(labels, seconds)
  const code = errorCodeOf(reply)
  if (code) metrics.errors.inc({ code })
}

function isCommand(request: FastifyRequest): boolean {
  const tags = (request.routeOptions.schema as { tags?: string[] } | undefined)?.tags
  return tags?.includes('commands') ?? false
}

const KNOWN_TYPES = new Set<string>(COMMAND_TYPES)

/**
 * The command handler with every execution counted by type and result. REST routes and
 * WebSocket sessions both execute through it, so one counter covers both transports.
 */
export function countCommands(handler: CommandHandler, metrics: ApiMetrics): CommandHandler {
  const counted = async (input: unknown, run: () => Promise<HandleResult>): Promise<HandleResult> => {
    // Only known types become label values: a client's made-up type must not add a series.
    const type =
      typeof input === 'object' && input !== null && 'type' in input && typeof input.type === 'string' && KNOWN_TYPES.has(input.type) ? input.type : 'unknown'
    try {
      const result = await run()
      metrics.commandResults.inc({ type, result: resultOf(result) })
      return result
    } catch (err) {
      metrics.commandResults.inc({ type, result: toApiError(err).code })
      throw err
    }
  }
  const execute: CommandHandler['execute'] = (input, abandoned) => counted(input, () => handler.execute(input, abandoned))
  const handle: CommandHandler['handle'] = (command, abandoned) => counted(command, () => handler.handle(command, abandoned))
  return new Proxy(handler, {
    get(target, property) {
      if (property === 'execute') return execute
      if (property === 'handle') return handle
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

function resultOf(result: HandleResult): string {
  if (result.ok) return result.duplicate ? 'duplicate' : 'accepted'
  if (result.reason === 'hooked') return result.verdict.action === 'reject' ? 'REJECTED_BY_HOOK' : 'HOOK_UNAVAILABLE'
  return result.reason === 'invalid' ? 'VALIDATION_FAILED' : result.refusal.code
}
