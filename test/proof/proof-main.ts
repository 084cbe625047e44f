// The whole proof in one command: fuzzing, the WebSocket load benchmark, the
// delivery proof and the same under chaos, each in a process of its own, one
// after the other (they would only disturb each other's figures side by side).
// Writes proof.json (every part's report), proof.md (the table docs/proof.md shows),
// the WebSocket charts and the delivery chart into --out (outside the tree's
// tracked files: .bench/ is ignored; charts worth publishing go to docs/images/).
//   npm run proof                       full size: 10,000 connections, 1,000,000 messages per delivery run (46 min here), into .bench/proof-full
//   npm run proof -- --size small       the same at small size (about 3 min), into .bench/proof
// Options: --size full|small --out <dir> --only fuzz,ws,delivery,chaos --seed <n>
// Exits 1 when any part fails.
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { machine } from '../../ops/bench/shared/machine.js'
import type { WsResult } from '../../ops/bench/websocket/result.js'
import type { ProofReport } from './delivery-proof.js'
import { deliveryChart } from './delivery-results.js'
import { type FuzzResult, type ProofSummary, proofTable } from './proof-table.js'

const SIZES = {
  full: {
    ws: ['--clients', '10000', '--ws-rate', '1000,2000,5000', '--ws-seconds', '10', '--ws-warmup', '10', '--ws-fanout', '5000'],
    delivery: ['--clients', '50', '--messages', '1000000', '--inflight', '4'],
    chaos: ['--clients', '50', '--messages', '1000000', '--inflight', '4', '--chaos', '--kills', '5'],
    out: '.bench/proof-full',
  },
  small: {
    ws: ['--clients', '1000', '--ws-rate', '1000,2000', '--ws-seconds', '5', '--ws-warmup', '2', '--ws-fanout', '1000'],
    delivery: ['--clients', '50', '--messages', '20000', '--inflight', '4'],
    chaos: ['--clients', '50', '--messages', '10000', '--inflight', '4', '--chaos', '--kills', '2'],
    out: '.bench/proof',
  },
} as const
const PARTS = ['fuzz', 'ws', 'delivery', 'chaos'] as const
type Part = (typeof PARTS)[number]

const { values: args } = parseArgs({
  options: { size: { type: 'string', default: 'full' }, out: { type: 'string' }, only: { type: 'string', default: PARTS.join(',') }, seed: { type: 'string' } },
})
if (args.size !== 'full' && args.size !== 'small') throw new Error(`--size ${args.size}: expected full or small`)
const size = SIZES[args.size]
const only = new Set(args.only!.split(',').map((s) => s.trim()))
for (const part of only) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--only ${part}: expected some of ${PARTS.join(', ')}`)
const out = args.out ?? size.out
const dist = fileURLToPath(new URL('../../', import.meta.url))
const seedArgs = args.seed ? ['--seed', args.seed] : []

/** Runs node with `argv` (relative to dist/), its output passed through; resolves with its exit code and wall time. */
function run(argv: string[], nodeFlags: string[] = []): Promise<{ code: number; seconds: number; output: string }> {
  const started = performance.now()
  console.log(`\n$ node ${[...nodeFlags, ...argv].join(' ')}`)
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeFlags, ...argv], { cwd: join(dist, '..'), stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      output += d
      process.stdout.write(d)
    })
    child.on('close', (code) => resolve({ code: code ?? 1, seconds: (performance.now() - started) / 1000, output }))
  })
}

async function fuzz(): Promise<FuzzResult> {
  const dir = join(dist, 'test', 'fuzz')
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => join('dist', 'test', 'fuzz', f))
  const r = await run(['--test', ...files])
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)`, 'm').exec(r.output)?.[1] ?? NaN)
  return { ok: r.code === 0, tests: count('tests'), pass: count('pass'), fail: count('fail'), seconds: r.seconds }
}

async function ws(): Promise<WsResult | undefined> {
  // main.js's own summary repeats ws.json; it goes to the temporary directory, not beside the report.
  const r = await run(
    ['dist/ops/bench/main.js', '--only', 'ws', ...size.ws, '--ws-results', out, '--out', join(tmpdir(), 'seqline-proof-ws-core.json')],
    ['--expose-gc'],
  )
  if (r.code !== 0) return undefined
  return (JSON.parse(await readFile(join(out, 'ws.json'), 'utf8')) as { ws: WsResult }).ws
}

async function delivery(part: 'delivery' | 'chaos'): Promise<ProofReport | undefined> {
  const file = join(out, part === 'chaos' ? 'delivery-chaos.json' : 'delivery-proof.json')
  // A report left by an earlier run must not pass for this one's.
  await rm(file, { force: true })
  // It exits 1 when the checker finds problems and still writes its report, which the table shows.
  await run(['dist/test/proof/delivery-proof-main.js', ...size[part], ...seedArgs, '--report', file])
  return (JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as { report: ProofReport } | null)?.report
}

async function main(): Promise<void> {
  await mkdir(out, { recursive: true })
  const started = new Date()
  const summary: ProofSummary = {
    at: started.toISOString(),
    size: args.size as 'full' | 'small',
    command: `npm run proof${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machine(),
  }
  const want = (p: Part) => only.has(p)
  if (want('fuzz')) summary.fuzz = await fuzz()
  if (want('ws')) summary.ws = await ws()
  if (want('delivery')) summary.delivery = await delivery('delivery')
  if (want('chaos')) summary.chaos = await delivery('chaos')
  summary.minutes = (Date.now() - started.getTime()) / 60_000
  const runs = [summary.delivery && { label: 'no faults', report: summary.delivery }, summary.chaos && { label: 'chaos', report: summary.chaos }].filter(
    (r) => !!r,
  )
  if (runs.length > 0) await writeFile(join(out, 'delivery-throughput.svg'), deliveryChart(runs))
  const { markdown, ok } = proofTable(summary, { want, wsFailed: want('ws') && !summary.ws })
  await writeFile(
    join(out, 'proof.json'),
    JSON.stringify(
      {
        ...summary,
        ws: summary.ws && { ...summary.ws, steps: summary.ws.steps.map(({ cdf: _c, series: _s, ...step }) => step) },
        delivery: thin(summary.delivery),
        chaos: thin(summary.chaos),
      },
      null,
      2,
    ),
  )
  await writeFile(join(out, 'proof.md'), markdown)
  console.log(
    `\n${markdown}\nwritten to ${out}: proof.json, proof.md${runs.length > 0 ? ', delivery-throughput.svg' : ''}${summary.ws ? ', ws.json, ws-latency-cdf.svg, ws-throughput.svg' : ''}`,
  )
  process.exit(ok ? 0 : 1)
}

/** The report without its per-second timeline, which lives in the part's own JSON file. */
function thin(r: ProofReport | undefined) {
  if (!r) return undefined
  const { timeline: _t, ...rest } = r
  return rest
}

await main()
