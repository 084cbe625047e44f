import type { Readiness } from '@seqline/client'
import { useEffect, useState } from 'preact/hooks'
import { API, messageOf } from '../api.js'
import { ErrorNote } from '../components/notice.js'
import { parseMetrics, type Sample } from '../operations/metrics-text.js'

interface Probe {
  alive: boolean
  readiness: Readiness | null
  samples: Sample[]
  at: number
}

const EVERY_MS = 5000

async function probe(): Promise<Probe> {
  const [health, ready, metrics] = await Promise.all([fetch(`${API}/healthz`), fetch(`${API}/readyz`), fetch(`${API}/metrics`)])
  return {
    alive: health.ok,
    readiness: (await ready.json()) as Readiness,
    samples: parseMetrics(await metrics.text()),
    at: Date.now(),
  }
}

/** A lag pair (events, seconds) of a processor, from its gauges. */
function lagRows(samples: Sample[], prefix: string, name: (labels: Record<string, string>) => string) {
  const rows = new Map<string, { events?: number; seconds?: number }>()
  for (const s of samples) {
    const unit = s.name === `${prefix}_events` ? 'events' : s.name === `${prefix}_seconds` ? 'seconds' : null
    if (!unit) continue
    const key = name(s.labels)
    rows.set(key, { ...rows.get(key), [unit]: s.value })
  }
  return [...rows].map(([what, lag]) => ({ what, ...lag }))
}

/** Health, readiness, and how far each processor is behind the log (from /healthz, /readyz, /metrics). */
export function OperationsPage() {
  const [state, setState] = useState<Probe | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    const run = () =>
      probe()
        .then((p) => {
          setState(p)
          setError(null)
        })
        .catch((err) => setError(messageOf(err)))
    void run()
    const timer = setInterval(run, EVERY_MS)
    return () => clearInterval(timer)
  }, [])

  const samples = state?.samples ?? []
  const lags = [
    ...lagRows(samples, 'seqline_projection_lag', () => 'projection (conversations)'),
    ...lagRows(samples, 'seqline_history_lag', () => 'history sink'),
    ...lagRows(samples, 'seqline_push_lag', () => 'offline push'),
    ...lagRows(samples, 'seqline_delivery_lag', (l) => `${l.kind ?? 'delivery'} ${l.name ?? ''}`.trim()),
  ]
  const connections = samples.find((s) => s.name === 'seqline_ws_connections')?.value

  return (
    <main class="operations">
      <h1>Operations</h1>
      <ErrorNote error={error} />
      {state && (
        <dl class="probes">
          <dt>Alive</dt>
          <dd class={state.alive ? 'ok' : 'bad'}>{state.alive ? 'yes' : 'no'}</dd>
          <dt>Ready</dt>
          <dd class={state.readiness?.ready ? 'ok' : 'bad'}>
            {state.readiness?.ready ? 'yes' : `no: ${state.readiness?.reasons.join('; ')}`} (NATS {state.readiness?.nats})
          </dd>
          <dt>WebSocket connections</dt>
          <dd>{connections ?? 'unknown'}</dd>
          <dt>Checked</dt>
          <dd>{new Date(state.at).toLocaleTimeString()}</dd>
        </dl>
      )}
      <table class="lags">
        <caption>Lag behind the log</caption>
        <thead>
          <tr>
            <th scope="col">processor</th>
            <th scope="col">events</th>
            <th scope="col">seconds</th>
          </tr>
        </thead>
        <tbody>
          {lags.map((l) => (
            <tr key={l.what}>
              <td>{l.what}</td>
              <td>{l.events ?? '–'}</td>
              <td>{l.seconds === undefined || Number.isNaN(l.seconds) ? '–' : l.seconds.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  )
}
