// The delivery proof at full size, e.g.
//   node dist/test/proof/delivery-proof-main.js --clients 50 --messages 1000000 --chaos
// Options: --clients 50 --messages 100000 --inflight 4 --seed <n> --flips 3 --kills 2 --groups --group-size --partitions 4 --chaos
//          --live log|interest (where the Seqline processes' live events come from)
//          --report <file.json> (also write the report there)
// Exits 1 when the checker finds a problem (the seed replays the workload).
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { machine } from '../../ops/bench/shared/machine.js'
import { describeReport, runDeliveryProof } from './delivery-proof.js'

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    messages: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    flips: { type: 'string' },
    inflight: { type: 'string', default: '4' },
    report: { type: 'string' },
    kills: { type: 'string' },
    groups: { type: 'string' },
    'group-size': { type: 'string' },
    partitions: { type: 'string' },
    chaos: { type: 'boolean', default: false },
    live: { type: 'string', default: 'log' },
  },
})
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v))
const seed = num(args.seed) ?? Date.now() % 2 ** 31
if (args.live !== 'log' && args.live !== 'interest') throw new Error(`--live ${args.live}: log or interest`)
const live = args.live
console.log(`delivery proof, seed ${seed}${args.chaos ? ', chaos' : ''}, live delivery from ${live}`)
const flips = num(args.flips)
const report = await runDeliveryProof({
  clients: Number(args.clients),
  messages: Number(args.messages),
  seed,
  chaos: args.chaos,
  inflight: Number(args.inflight),
  live,
  ...(flips !== undefined ? { flips } : {}),
  ...(args.kills !== undefined ? { kills: Number(args.kills) } : {}),
  ...(args.groups !== undefined ? { groups: Number(args.groups) } : {}),
  ...(args['group-size'] !== undefined ? { groupSize: Number(args['group-size']) } : {}),
  ...(args.partitions !== undefined ? { partitions: Number(args.partitions) } : {}),
  settleMs: 120_000,
  sendDeadlineMs: 12 * 3600_000,
  progressMs: 30_000,
  say: (line) => console.log(line),
})
console.log(describeReport(report))
if (args.report) {
  await mkdir(dirname(args.report), { recursive: true })
  await writeFile(args.report, JSON.stringify({ at: new Date().toISOString(), machine: machine(), argv: process.argv.slice(2), report }, null, 2))
  console.log(`report written to ${args.report}`)
}
process.exit(report.problems.length === 0 && report.failed === 0 ? 0 : 1)
