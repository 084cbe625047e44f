import { Counter, Gauge, type Registry } from 'prom-client'
import type { DelivererView } from '../integrations/delivery/index.js'

type Labels = 'kind' | 'name'
const labelNames = ['kind', 'name'] as const

/**
 * Per webhook, bot and push deliverer that this process runs: lag (events,
 * seconds), batches and events delivered, failed attempts, parked batches.
 * Read from the deliverers when scraped; a deliverer another process holds is
 * reported by that process.
 */
export function deliveryMetrics(registry: Registry, deliverers: () => DelivererView[]): void {
  const running = () => deliverers().filter((d) => d.running)
  const labels = (d: DelivererView) => ({ kind: d.kind, name: d.label })
  const counter = (name: string, help: string, value: (d: DelivererView) => number) =>
    new Counter<Labels>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset()
        for (const d of running()) this.inc(labels(d), value(d))
      },
    })
  counter('seqline_delivery_batches_total', 'Batches a receiver took (2xx), per deliverer', (d) => d.stats.batches)
  counter('seqline_delivery_events_total', 'Events in the batches a receiver took, per deliverer', (d) => d.stats.events)
  counter('seqline_delivery_failures_total', 'Failed delivery attempts (non-2xx, timeout, connection, redirect), per deliverer', (d) => d.stats.failures)
  counter('seqline_delivery_parked_total', 'Batches parked after their maximum age, per deliverer', (d) => d.stats.parked)
  const lags = async () => Promise.all(running().map(async (d) => ({ d, lag: await d.lag().catch(() => null) })))
  for (const [unit, help] of [
    ['events', 'Events in the log a deliverer has not delivered yet'],
    ['seconds', 'Age of the oldest event a deliverer has not delivered yet'],
  ] as const) {
    new Gauge<Labels>({
      name: `seqline_delivery_lag_${unit}`,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset()
        for (const { d, lag } of await lags()) if (lag) this.set(labels(d), lag[unit])
      },
    })
  }
}
