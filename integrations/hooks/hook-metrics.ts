import { Counter, Histogram, Registry } from 'prom-client'

export type HookOutcome = 'allow' | 'reject' | 'modify' | 'failure'

/** Per hook: how long its calls take and what they came to. In a registry of their own, which the API exposes beside its own. */
export class HookMetrics {
  readonly registry = new Registry()
  private readonly latency = new Histogram({
    name: 'seqline_hook_duration_seconds',
    help: 'Before-hook call latency by hook and outcome (allow, reject, modify, failure)',
    labelNames: ['hook', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  })
  private readonly outcomes = new Counter({
    name: 'seqline_hook_calls_total',
    help: 'Before-hook calls by hook and outcome (allow, reject, modify, failure)',
    labelNames: ['hook', 'outcome'] as const,
    registers: [this.registry],
  })

  observe(hook: string, outcome: HookOutcome, ms: number): void {
    this.latency.observe({ hook, outcome }, ms / 1000)
    this.outcomes.inc({ hook, outcome })
  }
}
