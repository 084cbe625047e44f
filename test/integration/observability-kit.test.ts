import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'

const run = promisify(execFile)
const PROMETHEUS = fileURLToPath(new URL('../../../ops/deploy/prometheus/', import.meta.url))
const DASHBOARD = fileURLToPath(new URL('../../../ops/deploy/grafana/seqline.json', import.meta.url))

interface Dashboard {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>
}

async function promtool(args: string[], cwd = PROMETHEUS): Promise<string> {
  const { stdout, stderr } = await run('promtool', args, { cwd })
  return `${stdout}${stderr}`
}

/** Grafana's variables replaced by what Prometheus accepts, so promtool can parse the panel's query. */
function asPromQL(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*')
}

async function dashboardExprs(): Promise<string[]> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard
  return dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))
}

/** seqline_* names a query reads, with a histogram's _bucket/_count/_sum folded into its family. */
function metricNames(text: string): Set<string> {
  const names = text.match(/\bseqline_[a-z0-9_]+/g) ?? []
  return new Set(names.map((n) => n.replace(/_(bucket|count|sum)$/, '')))
}

describe('ops/deploy observability kit: alert rules and dashboard', () => {
  const t = withLogServer()
  let stack: ApiStack
  let exposed: string

  before(async () => {
    // With a history, as `seqline up` runs: its sink's lag is exposed too.
    stack = await startApiStack(t, 'kit_views', undefined, { historyLag: async () => ({ events: 0, seconds: 0 }) })
    exposed = await (await fetch(`${stack.url}/metrics`)).text()
  })
  after(() => stack?.stop())

  test('the alert rules pass promtool check and their unit tests', async () => {
    assert.match(await promtool(['check', 'rules', 'alerts.yaml']), /SUCCESS: 6 rules found/)
    assert.match(await promtool(['test', 'rules', 'alerts.test.yaml']), /SUCCESS/)
  })

  test('every dashboard query is valid PromQL', async () => {
    const exprs = await dashboardExprs()
    assert.ok(exprs.length >= 8)
    const dir = await mkdtemp(join(tmpdir(), 'seqline-dashboard-'))
    try {
      const rules = exprs.map((expr, i) => `      - record: dashboard:panel_${i}\n        expr: ${JSON.stringify(asPromQL(expr))}`)
      await writeFile(join(dir, 'panels.yaml'), `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`)
      assert.match(await promtool(['check', 'rules', 'panels.yaml'], dir), new RegExp(`SUCCESS: ${exprs.length} rules found`))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('every metric the rules and the dashboard read is one a running Seqline exposes', async () => {
    const served = metricNames(
      exposed
        .split('\n')
        .filter((l) => l.startsWith('# TYPE '))
        .join('\n'),
    )
    const read = metricNames(`${await readFile(join(PROMETHEUS, 'alerts.yaml'), 'utf8')}\n${(await dashboardExprs()).join('\n')}`)
    assert.ok(read.size >= 6)
    const missing = [...read].filter((name) => !served.has(name))
    assert.deepEqual(missing, [], `queried but not exposed: ${missing.join(', ')}`)
  })
})
