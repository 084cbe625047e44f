// Before-hook benchmark: the latency one allow-hook adds to a send over loopback. Serial sends
// through the command handler without hooks and with one hook (a node:http receiver in this
// process that verifies the signature and allows), in alternating blocks so drift weighs on
// both alike, beside the ceiling of the same run: the bare signed round trip to the same receiver.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { CommandHandler } from '../../../core/commands/index.js'
import { createDecider } from '../../../core/domain/index.js'
import { until } from '../../../core/index.js'
import { HookStore, LiveHooks } from '../../../integrations/hooks/index.js'
import { postSigned, verifySignature } from '../../../integrations/outbound/index.js'
import { dropLog, scratchLog } from '../shared/scratch.js'
import { fmt, percentiles } from '../shared/stats.js'

interface HookBenchRow {
  scenario: string
  sends: number
  p50: number
  p99: number
}

export interface HookBenchResult {
  rows: HookBenchRow[]
  /** p50 and p99 of the sends with the hook minus those without. */
  addedP50: number
  addedP99: number
}

const SECRET = 'bench-hook-secret-0123456789'
const BLOCK = 100
const TEXT = 'x'.repeat(100)

export async function hookBench(nc: NatsConnection, sends: number, partitions: number): Promise<HookBenchResult> {
  const receiver = await allowReceiver()
  const bucket = `bench_hooks_${Date.now().toString(36)}`
  const log = await scratchLog(nc, 'hooks', partitions)
  const hooks = await LiveHooks.open(nc, { bucket })
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    await (await HookStore.open(nc, bucket)).put('bench', { url, commands: ['message.send'], timeoutMs: 1000, onFailure: 'reject', order: 0, secret: SECRET })
    await inForce(hooks)
    const plain = new CommandHandler(log, createDecider())
    const hooked = new CommandHandler(log, createDecider(), { hooks })
    for (const [handler, conv] of [
      [plain, 'g_plain'],
      [hooked, 'g_hooked'],
    ] as const) {
      const created = await handler.execute({ type: 'group.create', id: 'create', conv, actor: 'alice', data: { name: conv, members: ['bob'] } })
      if (!created.ok) throw new Error(JSON.stringify(created))
    }
    const send = (handler: CommandHandler, conv: string) => async (i: number) => {
      const r = await handler.execute({ type: 'message.send', id: `m${i}`, conv, actor: 'alice', data: { content: { type: 'text', text: TEXT } } })
      if (!r.ok) throw new Error(JSON.stringify(r))
    }
    const body = JSON.stringify({
      type: 'message.send',
      id: 'm',
      actor: 'alice',
      conv: 'g_hooked',
      data: { content: { type: 'text', text: TEXT } },
      context: {},
    })
    const bare = async () => {
      const out = await postSigned({ url, secret: SECRET, body, timeoutMs: 1000 })
      if (!out.ok) throw new Error(out.message)
    }
    const kinds = { without: send(plain, 'g_plain'), with: send(hooked, 'g_hooked'), bare }
    const samples = { without: [] as number[], with: [] as number[], bare: [] as number[] }
    // Untimed first block of each: connections opened, code warmed.
    let i = 0
    for (const run of Object.values(kinds)) for (let k = 0; k < BLOCK; k++) await run(i++)
    while (samples.with.length < sends) {
      for (const [name, run] of Object.entries(kinds) as Array<[keyof typeof kinds, (i: number) => Promise<void>]>) {
        for (let k = 0; k < BLOCK; k++) {
          const started = performance.now()
          await run(i++)
          samples[name].push(performance.now() - started)
        }
      }
    }
    const row = (scenario: string, s: number[]) => ({ scenario, sends: s.length, ...pick(percentiles(s)) })
    const without = row('send, no hook', samples.without)
    const withHook = row('send, one allow-hook', samples.with)
    return {
      rows: [without, withHook, row('ceiling: bare signed POST to the hook', samples.bare)],
      addedP50: withHook.p50 - without.p50,
      addedP99: withHook.p99 - without.p99,
    }
  } finally {
    hooks.close()
    await dropLog(nc, log)
    await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}`).catch(() => undefined)
    receiver.closeAllConnections()
    receiver.close()
  }
}

const pick = ({ p50, p99 }: { p50: number; p99: number }) => ({ p50, p99 })

/** What a platform's hook does at the least: read the body, verify the signature, allow. */
async function allowReceiver(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString()
      if (!verifySignature(SECRET, req.headers['seqline-signature'] as string | undefined, raw).ok) return void res.writeHead(401).end()
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"action":"allow"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

/** The hook reaches this process through the bucket's watch: wait (bounded) until it has. */
function inForce(hooks: LiveHooks): Promise<true> {
  return until(() => (hooks.for('message.send').length > 0 ? true : undefined), {
    timeoutMs: 5000,
    everyMs: 10,
    timedOut: () => new Error('the bench hook was not in force within 5 s'),
  })
}

export function printHooks(result: HookBenchResult): void {
  console.log('\nbefore-hook: serial sends through the command handler, one conversation each, in alternating blocks of', BLOCK)
  console.log('the hook is a node:http receiver on loopback in this process (verifies the signature, allows)\n')
  console.log('scenario                                   sends   p50 ms   p99 ms')
  for (const r of result.rows) console.log(`${r.scenario.padEnd(40)} ${String(r.sends).padStart(7)} ${fmt(r.p50).padStart(8)} ${fmt(r.p99).padStart(8)}`)
  console.log(`\nadded by the hook: p50 ${fmt(result.addedP50)} ms (goal < 2 ms), p99 ${fmt(result.addedP99)} ms`)
}
