#!/usr/bin/env node
// `seqline <command>`: up, export, verify, replay, rebuild, doctor, bench (usage texts in cli/usage.ts).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { NatsConnection } from '@nats-io/transport-node'
import type { EventLog } from '../core/log/index.js'
import type { Config } from '../schemas/index.js'
import { ROLES, readTime } from '../schemas/index.js'
import {
  COMMAND_USAGE,
  type Command,
  describeChecks,
  describeFileVerification,
  describeState,
  describeVerification,
  doctor,
  exportEvents,
  isCommand,
  rebuild,
  rebuildHistory,
  replay,
  USAGE,
  up,
  verifyFile,
} from './cli/index.js'
import { ConfigError, loadConfig } from './config.js'
import { connectNats } from './nats-connection.js'
import { openLog } from './open-log.js'

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options']

const OPTIONS: Record<Command, Options> = {
  up: {
    role: { type: 'string' },
  },
  doctor: {},
  rebuild: {},
  bench: {},
  export: {
    conv: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    format: { type: 'string', default: 'ndjson' },
    out: { type: 'string' },
    verify: { type: 'boolean', default: false },
  },
  verify: {
    head: { type: 'string' },
  },
  replay: {
    conv: { type: 'string' },
    seq: { type: 'string' },
    verify: { type: 'boolean', default: false },
  },
}

type Values = Record<string, string | boolean | undefined>

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') return print(USAGE, 0)
  if (!isCommand(command)) return print(`seqline: unknown command "${command}"\n\n${USAGE}`, 2)
  if (rest.includes('--help') || rest.includes('-h')) return print(COMMAND_USAGE[command], 0)
  if (command === 'bench') return bench(rest)
  const parsed = parse(command, rest)
  if (typeof parsed === 'string') return print(`seqline ${command}: ${parsed}\n(seqline ${command} --help for its usage)`, 2)
  const invalid = refusal(command, parsed.values)
  if (invalid) return print(`seqline ${command}: ${invalid}`, 2)
  // Offline: no configuration, no server.
  if (command === 'verify') return runVerify(parsed.positionals, text(parsed.values.head))
  // --role stands for SEQLINE_ROLE, so it is checked with the rest of the configuration.
  const role = text(parsed.values.role)
  const config = loadConfig(role === undefined ? process.env : { ...process.env, SEQLINE_ROLE: role })
  if (command === 'up') return up(config).then(() => 0)
  if (command === 'rebuild') return runRebuild(parsed.positionals, config)
  return withLog(config, (nc, log) => run(command, parsed.values, nc, log, config))
}

/** The command's options, or a one-line reason they cannot be parsed. */
function parse(command: Command, args: string[]): { values: Values; positionals: string[] } | string {
  try {
    return parseArgs({ args, options: OPTIONS[command], allowPositionals: command === 'rebuild' || command === 'verify', strict: true })
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0]! : String(err)
  }
}

/** Why the options cannot work, checked before anything connects. */
function refusal(command: Command, values: Values): string | undefined {
  const role = text(values.role)
  if (role !== undefined && !(ROLES as readonly string[]).includes(role)) return `--role "${role}" is not one of ${ROLES.join(', ')}`
  const seq = text(values.seq)
  if (command === 'replay' && !values.conv) return 'needs --conv <id>'
  if (seq !== undefined && !/^[1-9]\d{0,14}$/.test(seq)) return `--seq "${seq}" is not a positive whole number`
  const head = text(values.head)
  if (head !== undefined && !/^[0-9a-f]{64}$/.test(head)) return `--head "${head}" is not a sha256 hash (64 lowercase hex digits)`
  if (command !== 'export') return undefined
  if (!values.conv && !values.since) return 'needs --conv <id> or --since <time>'
  for (const name of ['since', 'until'] as const) {
    const value = text(values[name])
    const read = value === undefined ? undefined : readTime(value)
    if (read && 'problem' in read) return `--${name} "${value}" is not a time (epoch ms or ISO 8601): it ${read.problem}`
  }
  if (values.format !== 'ndjson' && values.format !== 'csv') return `--format "${String(values.format)}" is not ndjson or csv`
  return undefined
}

async function runVerify(positionals: string[], head: string | undefined): Promise<number> {
  if (positionals.length !== 1) return print(`seqline verify: one file, got ${positionals.length}\n\n${COMMAND_USAGE.verify}`, 2)
  const path = positionals[0]!
  const verification = await verifyFile(path, head).catch((err: Error) => err)
  if (verification instanceof Error) return print(`seqline verify: cannot read ${path}: ${verification.message}`, 2)
  console.error(describeFileVerification(path, verification))
  return verification.ok ? 0 : 1
}

async function runRebuild(positionals: string[], config: Config): Promise<number> {
  const [projection, ...extra] = positionals
  if (extra.length > 0) return print(`seqline rebuild: one projection at a time, got ${positionals.join(' ')}`, 2)
  if (projection === 'conversations') return rebuild(config).then(() => 0)
  if (projection === 'history') return rebuildHistory(config).then(() => 0)
  return print(`seqline rebuild: the projections are "conversations" and "history"\n\n${COMMAND_USAGE.rebuild}`, 2)
}

async function run(command: 'export' | 'replay' | 'doctor', values: Values, nc: NatsConnection, log: EventLog, config: Config): Promise<number> {
  if (command === 'doctor') {
    const checks = await doctor(nc, log, config)
    console.log(describeChecks(checks))
    return checks.every((c) => c.ok) ? 0 : 1
  }
  const conv = text(values.conv)
  if (command === 'replay') {
    const seq = text(values.seq)
    console.log(JSON.stringify(describeState(await replay(log, conv!, seq === undefined ? undefined : Number(seq))), null, 2))
    return 0
  }
  const verification = await exportEvents(log, {
    conv,
    since: time(text(values.since)),
    until: time(text(values.until)),
    format: values.format === 'csv' ? 'csv' : 'ndjson',
    out: text(values.out),
    verify: values.verify === true,
  })
  if (!verification) return 0
  console.error(describeVerification(verification))
  return verification.ok ? 0 : 1
}

/** A string option's value (parseArgs types every option as string | boolean). */
function text(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** Epoch ms, or an ISO 8601 date-time with a zone, by the API's rule (checked by refusal() before). */
function time(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const read = readTime(value)
  return 'ms' in read ? read.ms : undefined
}

/** Runs work with the NATS connection and the log opened on it; doctor looks at the server beside the log. */
async function withLog(config: Config, work: (nc: NatsConnection, log: EventLog) => Promise<number>): Promise<number> {
  const nats = await connectNats(config, 'seqline-cli', { reuseRunning: true })
  try {
    const log = await openLog(nats.nc, config)
    try {
      return await work(nats.nc, log)
    } finally {
      log.close()
    }
  } finally {
    await nats.close()
  }
}

function bench(args: string[]): Promise<number> {
  const script = fileURLToPath(new URL('./bench/main.js', import.meta.url))
  const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' })
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)))
}

function print(text: string, code: number): number {
  ;(code === 0 ? console.log : console.error)(text)
  return code
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err)
    process.exit(1)
  },
)
