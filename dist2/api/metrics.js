import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export function createMetrics(lag) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'seqline_' });
    const labelNames = ['method', 'route', 'status'];
    const http = new Histogram({
        name: 'seqline_http_request_duration_seconds',
        help: 'HTTP request duration by method, route pattern and status',
        labelNames,
        buckets: SECONDS,
        registers: [registry],
    });
    const commands = new Histogram({
        name: 'seqline_command_duration_seconds',
        help: 'Command endpoint latency (validate, decide, append, ack) by method, route and status',
        labelNames,
        buckets: SECONDS,
        registers: [registry],
    });
    const connections = new Gauge({ name: 'seqline_ws_connections', help: 'Open WebSocket connections', registers: [registry] });
    if (lag)
        lagGauges(registry, lag);
    return { registry, http, commands, connections };
}
/** Lag is asked of the projection when scraped, so it is never stale and costs nothing between scrapes. */
function lagGauges(registry, lag) {
    // One scrape asks once for both gauges.
    // A failed ask shows as NaN rather than failing the whole scrape.
    let pending;
    const unknown = { events: Number.NaN, seconds: Number.NaN };
    const current = () => {
        pending ??= lag()
            .catch(() => unknown)
            .finally(() => (pending = undefined));
        return pending;
    };
    new Gauge({
        name: 'seqline_projection_lag_events',
        help: 'Events in the log the conversations projection has not applied yet',
        registers: [registry],
        async collect() {
            this.set((await current()).events);
        },
    });
    new Gauge({
        name: 'seqline_projection_lag_seconds',
        help: 'Age of the oldest event the conversations projection has not applied yet',
        registers: [registry],
        async collect() {
            this.set((await current()).seconds);
        },
    });
}
/** Creates the app's metrics, exposes them as `app.metrics`, and times every response. */
export function instrument(app, lag) {
    const metrics = createMetrics(lag);
    app.decorate('metrics', metrics);
    app.addHook('onResponse', async (request, reply) => observe(metrics, request, reply));
    return metrics;
}
function observe(metrics, request, reply) {
    // The pattern, not the path: one series per route however many conversations there are.
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    const seconds = reply.elapsedTime / 1000;
    metrics.http.observe(labels, seconds);
    if (isCommand(request))
        metrics.commands.observe(labels, seconds);
}
function isCommand(request) {
    const tags = request.routeOptions.schema?.tags;
    return tags?.includes('commands') ?? false;
}
//# sourceMappingURL=metrics.js.map