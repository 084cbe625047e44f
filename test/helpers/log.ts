import { after, before } from 'node:test'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { CommandHandler, type HandleResult } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import {
  type AuditEntry,
  conversationAudit,
  type EventLog,
  type JetStreamLog,
  type LogOptions,
  openJetStreamLog,
  type StoredEvent,
  type Verification,
  verifyConversation,
} from '../../core/log/index.js'
import { startTestNats, type TestNats } from './nats.js'

export const TEST_PARTITIONS = 4

export async function openLog(url: string, opts: LogOptions = {}): Promise<{ nc: NatsConnection; log: JetStreamLog }> {
  // Without async traces, as Seqline connects (ops/nats-connection.ts): a trace is an Error built per request, a third of the CPU of a large test.
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100, noAsyncTraces: true })
  const log = await openJetStreamLog(nc, { names: { partitions: TEST_PARTITIONS }, ...opts })
  return { nc, log }
}

export interface LogServer {
  nats: TestNats
  nc: NatsConnection
  log: JetStreamLog
  handler: CommandHandler
  /** Runs fn at the end of the suite, before the connection and the server go (last registered, first run). */
  defer(fn: () => Promise<unknown> | unknown): void
}

/**
 * Registers before/after hooks giving the calling suite its own real
 * nats-server, an open log and a command handler; fields are set once the
 * before hook has run.
 */
export function withLogServer(opts: LogOptions = {}): LogServer {
  const cleanups: Array<() => Promise<unknown> | unknown> = []
  const ctx = { defer: (fn) => void cleanups.push(fn) } as LogServer
  before(async () => {
    ctx.nats = await startTestNats()
    const { nc, log } = await openLog(ctx.nats.url, opts)
    Object.assign(ctx, { nc, log, handler: new CommandHandler(log, createDecider()) })
  })
  after(async () => {
    for (const fn of cleanups.reverse()) await fn()
    ctx.log?.close()
    await ctx.nc?.close()
    await ctx.nats?.cleanup()
  })
  return ctx
}

export function text(id: string, conv: string, actor: string, body = id) {
  return { type: 'message.send', id, conv, actor, data: { content: { type: 'text', text: body } } } as const
}

export async function createGroup(handler: CommandHandler, conv: string, owner: string, members: string[]) {
  await accepted(handler, { type: 'group.create', id: `create-${conv}`, conv, actor: owner, data: { name: conv, members } })
}

/** Executes a command the test needs to succeed: a refusal fails the test where it happens instead of going unseen. */
export async function accepted(handler: CommandHandler, command: unknown): Promise<Extract<HandleResult, { ok: true }>> {
  const r = await handler.execute(command)
  if (!r.ok) throw new Error(`${JSON.stringify(command)} was not accepted: ${JSON.stringify(r)}`)
  return r
}

/** Every stored event of a conversation, read in pages through the public range API. Erased seqs are holes, so pages advance by seq. */
export async function readAll(log: EventLog, conv: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = []
  for (;;) {
    const from = (out.at(-1)?.event.seq ?? 0) + 1
    const page = await log.read(conv, { from, limit: 500 })
    if (page.length === 0) return out
    out.push(...page)
  }
}

/** Asserts-friendly summary: the seqs in order and any duplicated command keys. */
export function seqsAndDuplicates(events: StoredEvent[]): { seqs: number[]; duplicates: string[] } {
  const seen = new Set<string>()
  const duplicates: string[] = []
  for (const { event } of events) {
    const key = `${event.actor}/${event.cmd}`
    if (seen.has(key)) duplicates.push(key)
    seen.add(key)
  }
  return { seqs: events.map((e) => e.event.seq), duplicates }
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/**
 * A conversation verified as an audit export reads it: its events, the chain record of each erased seq in
 * its place, and its head; `records` counts those chain records.
 */
export async function auditVerified(log: EventLog, conv: string): Promise<Verification & { records: number }> {
  const head = (await log.head(conv)).seq
  const entries: AuditEntry[] = []
  let headHash: string | undefined
  for await (const line of conversationAudit(log, conv, head)) {
    if ('audit' in line && line.audit === 'head') headHash = line.hash
    else entries.push(line as AuditEntry)
  }
  const records = entries.filter((e) => 'audit' in e && e.audit === 'erased').length
  return { ...verifyConversation(conv, head, entries, headHash), records }
}
