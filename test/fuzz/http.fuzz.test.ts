import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { before, describe, test } from 'node:test'
import fc from 'fast-check'
import { WebSocket } from 'ws'
import { Tokens } from '../../api/auth/index.js'
import { COMMAND_ROUTES } from '../../api/routes/commands.js'
import { directConversationId, REFUSALS } from '../../core/domain/index.js'
import { eventsBetween } from '../../core/log/index.js'
import type { CommandType, SeqlineEvent } from '../../schemas/index.js'
import { createAjv, validateEvent } from '../../schemas/index.js'
import { CLOSE, ClientFrame, ServerFrame } from '../../schemas/ws.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { readAll, withLogServer } from '../helpers/log.js'
import { wsUrl } from '../helpers/ws.js'
import { checkProperty, fuzzRuns, fuzzSeed } from './seed.js'

/*
 * Random malformed (and some well-formed) HTTP requests against every endpoint
 * of a real API over a real nats-server, and random WebSocket frames. Every
 * answer must be below 500 and, when an error, the documented shape with a
 * known code. Every event a success reported is kept; at the end the log must
 * hold exactly those events — nothing written by a request that failed — with
 * dense seqs in every conversation.
 */

const BODY_LIMIT = 64 * 1024
const MAX_FRAME = 128 * 1024
const USERS = ['alice', 'bob', 'carol', 'mallory'] as const
const SEEDS = ['g_fuzz', 'g_open', 'd~alice~bob']
/** Commands kept off the seeded conversations: dissolving or emptying them would leave little to fuzz. */
const SPARING = new Set<CommandType>(['group.dissolve', 'group.leave', 'group.kick'])
const OTHERS = ['dave', 'erin', 'zed']

/** Every code an error response may carry: the API's own and the decider's refusals. */
const KNOWN_CODES = new Set([
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'USER_NOT_FOUND',
  'UPGRADE_REQUIRED',
  'MALFORMED_URL',
  'URL_TOO_LONG',
  'MALFORMED_REQUEST',
  'HEADERS_TOO_LARGE',
  ...Object.keys(REFUSALS),
])

// ---- endpoints ----

type Shape =
  | { kind: 'command'; type: CommandType }
  | { kind: 'direct' }
  | { kind: 'group' }
  | { kind: 'events' | 'receipts' | 'inbox' | 'sync' | 'export' }
  | { kind: 'admin-user-put' | 'admin-user-get' | 'admin-tokens' | 'admin-message' | 'admin-export' }
  | { kind: 'open' | 'unknown' }

interface Endpoint {
  method: string
  path: string
  shape: Shape
  /** Who the route admits: a user token, the service credential, anyone. */
  auth: 'user' | 'service' | 'none'
}

const ENDPOINTS: Endpoint[] = [
  ...COMMAND_ROUTES.map((r) => ({ method: r.method, path: r.url, shape: { kind: 'command' as const, type: r.type }, auth: 'user' as const })),
  { method: 'POST', path: '/v1/conversations/direct', shape: { kind: 'direct' }, auth: 'user' },
  { method: 'POST', path: '/v1/groups', shape: { kind: 'group' }, auth: 'user' },
  { method: 'GET', path: '/v1/conversations/:conv/events', shape: { kind: 'events' }, auth: 'user' },
  { method: 'GET', path: '/v1/conversations/:conv/messages/:seq/receipts', shape: { kind: 'receipts' }, auth: 'user' },
  { method: 'GET', path: '/v1/inbox', shape: { kind: 'inbox' }, auth: 'user' },
  { method: 'GET', path: '/v1/sync', shape: { kind: 'sync' }, auth: 'user' },
  { method: 'GET', path: '/v1/conversations/:conv/export', shape: { kind: 'export' }, auth: 'user' },
  { method: 'PUT', path: '/v1/admin/users/:user', shape: { kind: 'admin-user-put' }, auth: 'service' },
  { method: 'GET', path: '/v1/admin/users/:user', shape: { kind: 'admin-user-get' }, auth: 'service' },
  { method: 'POST', path: '/v1/admin/tokens', shape: { kind: 'admin-tokens' }, auth: 'service' },
  { method: 'POST', path: '/v1/admin/conversations/:conv/messages', shape: { kind: 'admin-message' }, auth: 'service' },
  { method: 'GET', path: '/v1/admin/export', shape: { kind: 'admin-export' }, auth: 'service' },
  { method: 'GET', path: '/healthz', shape: { kind: 'open' }, auth: 'none' },
  { method: 'GET', path: '/readyz', shape: { kind: 'open' }, auth: 'none' },
  { method: 'GET', path: '/openapi.json', shape: { kind: 'open' }, auth: 'none' },
  { method: 'GET', path: '/v1/ws', shape: { kind: 'open' }, auth: 'user' },
  { method: 'DELETE', path: '/v1/groups/:conv', shape: { kind: 'unknown' }, auth: 'user' },
  { method: 'GET', path: '/v1/groups', shape: { kind: 'unknown' }, auth: 'user' },
  { method: 'POST', path: '/v1/conversations/:conv/nope', shape: { kind: 'unknown' }, auth: 'user' },
  { method: 'GET', path: '/v2/:conv', shape: { kind: 'unknown' }, auth: 'none' },
]

const SEND = ENDPOINTS.findIndex((e) => e.shape.kind === 'command' && e.shape.type === 'message.send')

// ---- nasty values ----

const NASTY = [
  '',
  ' ',
  '%',
  '%zz',
  '%00',
  '..',
  '.',
  '/',
  '\\',
  '~',
  'g_',
  'd~',
  'd~a',
  'd~a~',
  'd~b~a',
  'd~a~a',
  'g_a.b',
  'g_*',
  'g_>',
  'g_a b',
  `g_${'x'.repeat(65)}`,
  'x'.repeat(300),
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202e',
  '\ufeff',
  '🙂',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '-1',
  '0',
  '1e400',
  '-0',
  'NaN',
  'Infinity',
  '0x10',
  '1.5',
  '9'.repeat(30),
  '<script>',
  "'; --",
  '\u0024{x}',
  '@system',
  '@all',
  'Bearer',
]
const junkString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'grapheme' }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
)
const jsonJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  junkString,
  fc.constantFrom(-1, 0, 1.5, 2 ** 53, -(2 ** 63), 1e308, true, false, null, [], {}),
)

/** Percent-encodes everything but unreserved characters, byte by byte (a lone surrogate becomes U+FFFD). */
function pct(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b)
    out += /[A-Za-z0-9_.~-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** A path segment as sent: encoded, or raw when the characters let the request out at all. */
function segment(s: string, raw: boolean): string {
  return raw && /^[\x21-\x7e]*$/.test(s) && !/[?#/]/.test(s) ? s : pct(s)
}

// ---- requests ----

interface Pick {
  kind: 'good' | 'other' | 'junk'
  n: number
  junk: string
  raw: boolean
}
const pick = fc.record({
  kind: fc.oneof(
    { weight: 6, arbitrary: fc.constant('good' as const) },
    { weight: 2, arbitrary: fc.constant('other' as const) },
    { weight: 2, arbitrary: fc.constant('junk' as const) },
  ),
  n: fc.nat(1000),
  junk: junkString,
  raw: fc.boolean(),
})

type Auth =
  | (typeof USERS)[number]
  | 'none'
  | 'garbage'
  | 'basic'
  | 'lowercase'
  | 'expired'
  | 'forged'
  | 'bad-sub'
  | 'service'
  | 'alg-none'
  | 'empty-bearer'
  | 'double-space'
const auth: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 14, arbitrary: fc.constantFrom(...USERS) },
  {
    weight: 6,
    arbitrary: fc.constantFrom('none', 'garbage', 'basic', 'lowercase', 'expired', 'forged', 'bad-sub', 'service', 'alg-none', 'empty-bearer', 'double-space'),
  },
)

type Mutation =
  | { op: 'none' }
  | { op: 'drop' | 'replace' | 'huge' | 'deep' | 'junk-text'; n: number; value: unknown; size: number }
  | { op: 'extra'; key: string; value: unknown }
  | { op: 'whole'; value: unknown }
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ op: 'none' as const }) },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constantFrom('drop' as const, 'replace' as const, 'replace' as const, 'huge' as const, 'deep' as const, 'junk-text' as const),
      n: fc.nat(20),
      value: jsonJunk,
      size: fc.oneof(fc.integer({ min: 10, max: 100 }), fc.integer({ min: 1000, max: 20_000 }), fc.integer({ min: 60_000, max: 200_000 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('extra' as const), key: junkString, value: jsonJunk }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('whole' as const), value: jsonJunk }) },
)

type Encoding = 'json' | 'truncated' | 'garbage' | 'bom' | 'proto' | 'dup-keys' | 'empty' | 'latin1' | 'nan'
const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 14, arbitrary: fc.constant('json' as const) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'truncated' as const,
      'garbage' as const,
      'bom' as const,
      'proto' as const,
      'dup-keys' as const,
      'empty' as const,
      'latin1' as const,
      'nan' as const,
    ),
  },
)
const contentType = fc.oneof(
  { weight: 14, arbitrary: fc.constant('application/json') },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/jsonx',
      'application/json, text/plain',
      'application/octet-stream',
      '',
      ';;;',
    ),
  },
)

interface QueryOp {
  kind: 'good' | 'junk' | 'none'
  from: number | string
  limit: number | string
  direction: string
  extra: Array<[string, string]>
  repeat: boolean
}
const queryOp: fc.Arbitrary<QueryOp> = fc.record({
  kind: fc.oneof(
    { weight: 5, arbitrary: fc.constant('good' as const) },
    { weight: 4, arbitrary: fc.constant('junk' as const) },
    { weight: 1, arbitrary: fc.constant('none' as const) },
  ),
  from: fc.oneof(fc.integer({ min: -3, max: 40 }), junkString),
  limit: fc.oneof(fc.integer({ min: -1, max: 600 }), junkString),
  direction: fc.oneof(fc.constantFrom('forward', 'backward'), junkString),
  extra: fc.array(fc.tuple(junkString, junkString), { maxLength: 2 }),
  repeat: fc.boolean(),
})

interface RequestOp {
  endpoint: number
  method?: string
  auth: Auth
  conv: Pick
  seq: Pick
  user: Pick
  query: QueryOp
  mutation: Mutation
  encoding: Encoding
  contentType: string | undefined
  chunked: boolean
  text: string
  /** For a well-formed request: a command id used before, so the call is a retry. */
  reuseId: boolean
}

/** A request with every part well-formed: the answer is a success or a refusal of the domain, and successes write. */
function wellFormed(o: RequestOp): RequestOp {
  const good = (p: Pick): Pick => ({ ...p, kind: p.kind === 'junk' ? 'good' : p.kind })
  const user = (USERS as readonly string[]).includes(o.auth) ? o.auth : USERS[o.seq.n % 3]!
  return {
    ...o,
    method: undefined,
    auth: user as Auth,
    conv: { ...o.conv, kind: 'good' },
    seq: { ...o.seq, kind: 'good' },
    user: good(o.user),
    query: { ...o.query, kind: 'good' },
    mutation: { op: 'none' },
    encoding: 'json',
    contentType: 'application/json',
  }
}
const requestOp: fc.Arbitrary<RequestOp> = fc.record(
  {
    endpoint: fc.nat(ENDPOINTS.length - 1),
    method: fc.constantFrom('HEAD', 'OPTIONS', 'PATCH', 'TRACE'),
    auth,
    conv: pick,
    seq: pick,
    user: pick,
    query: queryOp,
    mutation,
    encoding,
    contentType,
    chunked: fc.boolean(),
    text: fc.oneof(fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }), fc.string({ minLength: 1, maxLength: 30, unit: 'binary' })),
    reuseId: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  },
  { requiredKeys: ['endpoint', 'auth', 'conv', 'seq', 'user', 'query', 'mutation', 'encoding', 'contentType', 'chunked', 'text', 'reuseId'] },
)

interface Built {
  /** Another API process to send to; the stack's own by default. */
  base?: string
  method: string
  path: string
  headers: Record<string, string>
  body?: Buffer
  chunked: boolean
  /** The user the token speaks for, when it is a valid user token. */
  user?: string
  /** Every part is well-formed: the answer may be a refusal, never a validation or auth error. */
  wellFormed: boolean
  endpoint: Endpoint
}

interface Answer {
  status: number
  contentType: string
  text: string
}

describe('fuzz: malformed HTTP requests and WebSocket frames against a real API and nats-server', () => {
  const server = withLogServer()
  let s: ApiStack
  const tokens: Record<string, string> = {}
  const bad: Partial<Record<Auth, string>> = {}
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })

  /** Conversations known to exist, and the highest seq reported for each. */
  const heads = new Map<string, number>()
  /** Every event a successful REST call reported, by event id. */
  const reported = new Map<string, SeqlineEvent>()
  /** Every ack of a WebSocket command: the command's actor, conv and id, and the seq. */
  const acks: Array<{ actor: string; conv: string; cmd: string; seq: number; duplicate: boolean }> = []
  const usedIds: Array<{ id: string }> = []
  const stats = {
    requests: 0,
    statuses: new Map<number, number>(),
    codes: new Map<string, number>(),
    frames: 0,
    closes: new Map<number, number>(),
    sockets: 0,
    frameCodes: new Map<string, number>(),
  }

  before(async () => {
    s = await startApiStack(server, 'fuzz_http', { bodyLimitBytes: BODY_LIMIT, rateLimitPerMinute: 1_000_000 })
    server.defer(() => s.stop())
    server.defer(() => agent.destroy())
    for (const u of USERS) tokens[u] = await s.token(u)
    const forger = new Tokens({ serviceToken: 'f'.repeat(32), jwtSecret: randomBytes(32).toString('base64url') })
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    const claims = Buffer.from(JSON.stringify({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url')
    Object.assign(bad, {
      garbage: 'Bearer not.a.jwt',
      basic: `Basic ${Buffer.from('alice:secret').toString('base64')}`,
      lowercase: `bearer ${tokens.alice}`,
      expired: `Bearer ${await s.token('alice', -120)}`,
      forged: `Bearer ${(await forger.mint('alice', 3600)).token}`,
      'bad-sub': `Bearer ${await s.token('@system')}`,
      service: `Bearer ${s.serviceToken}`,
      'alg-none': `Bearer ${header}.${claims}.`,
      'empty-bearer': 'Bearer ',
      'double-space': `Bearer  ${tokens.alice}`,
    })
    // A group, a direct conversation and a few messages, written through the API and counted like everything else.
    const setup: Array<[string, string, string, unknown]> = [
      ['POST', '/v1/groups', 'alice', { id: 'seed-group', name: 'fuzz', members: ['bob', 'carol'], admins: ['bob'], conv: 'g_fuzz' }],
      ['POST', '/v1/groups', 'bob', { id: 'seed-open', name: 'open', joinable: true, conv: 'g_open' }],
      ['POST', '/v1/conversations/direct', 'alice', { id: 'seed-direct', peer: 'bob' }],
      ['POST', '/v1/conversations/g_fuzz/messages', 'carol', { id: 'seed-m1', content: { type: 'text', text: 'hello' } }],
      ['POST', '/v1/conversations/d~alice~bob/messages', 'bob', { id: 'seed-m2', content: { type: 'custom', kind: 'card', payload: { a: 1 } } }],
      ['PUT', '/v1/admin/users/alice', 'service', { name: 'Alice' }],
    ]
    for (const [method, path, who, body] of setup) {
      const built: Built = {
        method,
        path,
        headers: { authorization: who === 'service' ? `Bearer ${s.serviceToken}` : `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(body)),
        chunked: false,
        wellFormed: true,
        endpoint: ENDPOINTS.find((e) => e.method === method && (e.path === path || e.shape.kind === 'command'))!,
      }
      const answer = await send(built)
      assert.ok(answer.status < 300, `setup ${method} ${path}: ${answer.status} ${answer.text}`)
      record(JSON.parse(answer.text))
    }
  })

  // ---- building requests ----

  /** A conversation that exists (spareSeeds: not a seeded one, see SPARING), a valid id of none, or junk. */
  function convOf(p: Pick, spareSeeds = false): string {
    const all = [...heads.keys()].sort()
    const spared = all.filter((c) => !SEEDS.includes(c))
    const known = spareSeeds ? spared : all
    if (p.kind === 'good') return known.length > 0 ? segment(known[p.n % known.length]!, false) : 'g_nowhere'
    if (p.kind === 'other') return ['g_nowhere', 'd~alice~zed', 'd~bob~alice', `g_${'a'.repeat(64)}`][p.n % 4]!
    return segment(p.junk, p.raw)
  }

  function seqOf(p: Pick, conv: string): string {
    const head = heads.get(conv) ?? 1
    if (p.kind === 'good') return String(1 + (p.n % Math.max(head, 1)))
    if (p.kind === 'other') return String([0, head + 1, head + 1000, Number.MAX_SAFE_INTEGER, -1][p.n % 5])
    return segment(p.junk, p.raw)
  }

  function userOf(p: Pick): string {
    if (p.kind === 'good') return USERS[p.n % USERS.length]!
    if (p.kind === 'other') return OTHERS[p.n % OTHERS.length]!
    return segment(p.junk, p.raw)
  }

  /** A body the endpoint accepts as well-formed, for the conversation and seq of the path. */
  function goodBody(o: RequestOp, e: Endpoint, conv: string): Record<string, unknown> | undefined {
    const fresh = `fz-${randomBytes(6).toString('base64url')}`
    const id = o.reuseId && usedIds.length > 0 ? usedIds[o.conv.n % usedIds.length]!.id : fresh
    const other = USERS[(o.user.n + 1) % USERS.length]!
    const text = { type: 'text', text: o.text }
    const head = heads.get(conv) ?? 1
    const n = o.seq.n
    switch (e.shape.kind) {
      case 'command': {
        const data: Record<CommandType, Record<string, unknown>> = {
          'conversation.create-direct': { peer: other },
          'group.create': { name: o.text.slice(0, 100) },
          'group.invite': { users: [OTHERS[n % OTHERS.length], other] },
          'group.join': {},
          'group.leave': {},
          'group.kick': {},
          'group.change-role': { role: n % 2 ? 'admin' : 'member' },
          'group.transfer-ownership': { to: other },
          'group.update-info': n % 2 ? { name: o.text.slice(0, 100) } : { joinable: n % 4 === 1, notice: o.text },
          'group.mute': {},
          'group.unmute': {},
          'member.mute': { seconds: 1 + (n % 600) },
          'member.unmute': {},
          'group.dissolve': {},
          'message.send': n % 3 === 0 ? { content: text, mentions: { users: [other], all: n % 2 === 0 }, replyTo: 1 + (n % head) } : { content: text },
          'message.edit': { content: n % 2 ? text : { type: 'custom', kind: 'card', payload: { t: o.text } } },
          'message.recall': n % 2 ? { erase: n % 4 === 1 } : {},
          'message.delete-for-me': { targets: [1 + (n % head)] },
          'conversation.read': { upTo: 1 + (n % head) },
          'burn.configure': n % 2 ? { enabled: n % 4 === 1, seconds: 1 + (n % 100) } : { enabled: n % 4 === 0 },
          'notifications.configure': n % 3 === 0 ? { mode: 'none', until: Date.now() + 60_000 } : { mode: n % 2 ? 'mentions' : 'all' },
          'message.burn': { target: 1 },
          'retention.configure': { days: n % 3 ? 1 + (n % 400) : null },
          // Seqline's own, with no route: never sent.
          'content.erase': {},
          'channel.create': { name: o.text.slice(0, 100) },
          'reaction.add': { key: n % 2 ? '👍' : 'tada' },
          'reaction.remove': { key: n % 2 ? '👍' : 'tada' },
          'message.pin': {},
          'message.unpin': {},
        }
        return { id, ...data[e.shape.type] }
      }
      case 'direct':
        return { id, peer: other }
      case 'group':
        return n % 3 ? { id, name: o.text.slice(0, 100), members: [other] } : { id, name: 'g', conv: `g_fz${n}`, joinable: true }
      case 'admin-user-put':
        return { name: o.text.slice(0, 100), meta: { k: 'v' } }
      case 'admin-tokens':
        return { user: userOf(o.user), ttlSeconds: 60 + n }
      case 'admin-message':
        return { id, content: text }
      default:
        return undefined
    }
  }

  function mutate(body: unknown, m: Mutation): unknown {
    if (m.op === 'none') return body
    if (m.op === 'whole') return m.value
    if (typeof body !== 'object' || body === null) return body
    const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>
    if (m.op === 'extra') {
      copy[m.key] = m.value
      return copy
    }
    // A field of the body or of its content, chosen by n.
    const holders: Array<Record<string, unknown>> = [copy]
    if (typeof copy.content === 'object' && copy.content !== null) holders.push(copy.content as Record<string, unknown>)
    const fields = holders.flatMap((h) => Object.keys(h).map((k) => [h, k] as const))
    if (fields.length === 0) return copy
    const [holder, key] = fields[m.n % fields.length]!
    if (m.op === 'drop') delete holder[key]
    else if (m.op === 'replace') holder[key] = m.value
    else if (m.op === 'huge') holder[key] = 'x'.repeat(m.size)
    else if (m.op === 'junk-text') holder[key] = '\ud800\u202e🙂\u0000'.repeat(Math.ceil(m.size / 5))
    else holder[key] = new Deep(Math.min(m.size, 20_000))
    return copy
  }

  function encode(value: unknown, enc: Encoding, n: number): Buffer | undefined {
    const json = toJson(value)
    switch (enc) {
      case 'json':
        return Buffer.from(json)
      case 'truncated':
        return Buffer.from(json.slice(0, n % Math.max(json.length, 1)))
      case 'garbage':
        return Buffer.from(`${json}}{garbage`)
      case 'bom':
        return Buffer.from(`\ufeff${json}`)
      case 'proto':
        return Buffer.from(n % 2 ? `{"__proto__":{"admin":true},"id":"p1"}` : `{"constructor":{"prototype":{"x":1}},"id":"p2"}`)
      case 'dup-keys':
        return Buffer.from(json.startsWith('{') && json.length > 2 ? `{"id":"dup","id":"dup",${json.slice(1)}` : json)
      case 'empty':
        return Buffer.alloc(0)
      case 'latin1':
        return Buffer.from(json.replace(/"([^"]*)"/, '"\u00e9\u00ff"'), 'latin1')
      case 'nan':
        return Buffer.from(json.replace(/\d+/, 'NaN'))
    }
  }

  function build(o: RequestOp): Built {
    const endpoint = ENDPOINTS[o.endpoint]!
    // Now and then a method the route does not have, on the route's own path.
    const method = o.method && o.seq.n % 10 === 0 ? o.method : endpoint.method
    const spare = endpoint.shape.kind === 'command' && SPARING.has(endpoint.shape.type)
    const conv = convOf(o.conv, spare)
    let wellFormed = o.conv.kind === 'good' && o.seq.kind === 'good' && o.user.kind !== 'junk' && method === endpoint.method
    const path = endpoint.path
      .replace(':conv', conv)
      .replace(':seq', seqOf(o.seq, decodeURIComponentSafe(conv)))
      .replace(':user', userOf(o.user))
    const query = queryOf(o.query, endpoint)
    // The routes with a query schema refuse unknown or malformed parameters; the others ignore the query.
    if (o.query.kind !== 'good') wellFormed &&= !['events', 'sync', 'admin-export'].includes(endpoint.shape.kind)
    const headers: Record<string, string> = {}
    let user: string | undefined
    if (endpoint.auth === 'service' && o.auth !== 'none' && o.seq.n % 4 !== 0) headers.authorization = `Bearer ${s.serviceToken}`
    else if ((USERS as readonly string[]).includes(o.auth)) {
      headers.authorization = `Bearer ${tokens[o.auth]}`
      user = o.auth
      wellFormed &&= endpoint.auth !== 'service'
    } else if (o.auth !== 'none') {
      headers.authorization = bad[o.auth]!
      wellFormed &&= endpoint.auth === 'none'
    } else wellFormed &&= endpoint.auth === 'none'
    const good = goodBody(o, endpoint, decodeURIComponentSafe(conv))
    let body: Buffer | undefined
    if (good !== undefined || o.mutation.op !== 'none') {
      body = encode(mutate(good ?? {}, o.mutation), o.encoding, o.seq.n)
      if (o.contentType !== undefined) headers['content-type'] = o.contentType
      wellFormed &&= good !== undefined && o.mutation.op === 'none' && o.encoding === 'json' && o.contentType === 'application/json'
    }
    if (good === undefined && body !== undefined) wellFormed = false
    return { method, path: `${path}${query}`, headers, body, chunked: o.chunked, user, wellFormed, endpoint }
  }

  function queryOf(q: QueryOp, e: Endpoint): string {
    if (q.kind === 'none') return ''
    const pairs: Array<[string, string]> = []
    if (q.kind === 'good') {
      if (e.shape.kind === 'events')
        pairs.push(
          ['from', String(1 + (Math.abs(Number(q.from) | 0) % 20))],
          ['limit', String(1 + (Math.abs(Number(q.limit) | 0) % 500))],
          ['direction', q.from.toString().length % 2 ? 'forward' : 'backward'],
        )
      if (e.shape.kind === 'sync') pairs.push(['since', String(Date.now() - 60_000)])
      if (e.shape.kind === 'admin-export')
        pairs.push(...(typeof q.from === 'number' && q.from % 2 ? [['conv', 'g_fuzz'] as [string, string]] : [['since', '0'] as [string, string]]))
    } else {
      pairs.push(
        ['from', String(q.from)],
        ['limit', String(q.limit)],
        ['direction', q.direction],
        ['since', String(q.from)],
        ['until', String(q.limit)],
        ['conv', String(q.direction)],
        ...q.extra,
      )
      if (q.repeat) pairs.push(['from', '2'], ['limit', '3'])
    }
    if (pairs.length === 0) return ''
    return `?${pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')}`
  }

  // ---- sending and checking ----

  function send(b: Built): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const url = new URL(b.base ?? s.url)
      const headers = { ...b.headers }
      // Explicit framing: node sends the body of a GET without either header, unframed, otherwise.
      if (b.body) headers[b.chunked ? 'transfer-encoding' : 'content-length'] = b.chunked ? 'chunked' : String(b.body.length)
      const req = httpRequest({ host: url.hostname, port: url.port, method: b.method, path: b.path, headers, agent, timeout: 15_000 }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      })
      req.on('timeout', () => req.destroy(new Error('no answer in 15 s')))
      req.on('error', reject)
      req.end(b.body)
    })
  }

  /** The health probe, sent after a fuzz run to show the server still serves. */
  function healthz(): Promise<Answer> {
    return send({ method: 'GET', path: '/healthz', headers: {}, chunked: false, wellFormed: true, endpoint: ENDPOINTS.find((e) => e.path === '/healthz')! })
  }

  /** Keeps what a success reports: conversations that exist, their heads, and every event written. */
  function record(body: { conv?: string; seq?: number; event?: SeqlineEvent }): void {
    if (typeof body.conv === 'string' && typeof body.seq === 'number') heads.set(body.conv, Math.max(heads.get(body.conv) ?? 0, body.seq))
    const event = body.event
    if (!event) return
    assert.ok(validateEvent(event).ok, `a success reported an invalid event: ${JSON.stringify(event)}`)
    const earlier = reported.get(event.id)
    if (earlier) assert.deepEqual(event, earlier, 'two answers reported different events under one id')
    reported.set(event.id, event)
    usedIds.push({ id: event.cmd })
  }

  function check(b: Built, a: Answer): void {
    const what = () => `${b.method} ${b.path} ${JSON.stringify(b.headers)} ${b.body?.subarray(0, 300).toString() ?? ''} → ${a.status} ${a.text.slice(0, 500)}`
    stats.requests++
    stats.statuses.set(a.status, (stats.statuses.get(a.status) ?? 0) + 1)
    // Not ready is the one 5xx by design: /readyz answers 503 with its reasons while the projection lags.
    if (b.endpoint.path === '/readyz' && a.status === 503 && b.method === 'GET') return void assert.equal(parse(a.text, what).ready, false)
    assert.ok(a.status >= 200 && a.status < 500, `status ${a.status}: ${what()}`)
    if (b.method === 'HEAD') return
    if (a.status >= 400) {
      assert.match(a.contentType, /^application\/json/, `error without JSON: ${what()}`)
      const body = parse(a.text, what)
      assert.deepEqual(Object.keys(body), ['error'], `error shape: ${what()}`)
      const { code, message, details, ...rest } = body.error as Record<string, unknown>
      assert.deepEqual(rest, {}, `error shape: ${what()}`)
      assert.ok(typeof code === 'string' && KNOWN_CODES.has(code), `undocumented code ${String(code)}: ${what()}`)
      assert.ok(typeof message === 'string' && message.length > 0, `error without message: ${what()}`)
      if (code === 'VALIDATION_FAILED' && details !== undefined) {
        const errors = (details as { errors?: unknown[] }).errors
        assert.ok(Array.isArray(errors) && errors.length > 0, `validation details: ${what()}`)
      }
      stats.codes.set(code as string, (stats.codes.get(code as string) ?? 0) + 1)
      if (b.wellFormed) {
        assert.ok(
          !['VALIDATION_FAILED', 'MALFORMED_JSON', 'UNAUTHORIZED', 'UNSUPPORTED_MEDIA_TYPE', 'NOT_FOUND'].includes(code as string) ||
            b.endpoint.shape.kind === 'unknown' ||
            b.endpoint.shape.kind.startsWith('admin'),
          `a well-formed request was refused as ${code}: ${what()}`,
        )
      }
      const admitted =
        b.endpoint.auth === 'none' || (b.endpoint.auth === 'user' ? b.user !== undefined : b.headers.authorization === `Bearer ${s.serviceToken}`)
      // Only a request the router matched reaches authentication: a URL it cannot decode or route is refused first.
      const routed = !['MALFORMED_URL', 'URL_TOO_LONG', 'NOT_FOUND', 'METHOD_NOT_ALLOWED'].includes(code as string)
      if (!admitted && routed && b.endpoint.shape.kind !== 'unknown' && b.method === b.endpoint.method) {
        assert.equal(code, 'UNAUTHORIZED', `a request without valid credentials got past authentication: ${what()}`)
      }
      return
    }
    if (['command', 'direct', 'group', 'admin-message'].includes(b.endpoint.shape.kind)) {
      const body = parse(a.text, what)
      assert.ok(typeof body.conv === 'string' && Number.isInteger(body.seq) && typeof body.duplicate === 'boolean', `accepted shape: ${what()}`)
      if (body.event) {
        const event = body.event as SeqlineEvent
        assert.equal(event.conv, body.conv, `event of another conversation: ${what()}`)
        assert.equal(event.seq, body.seq, `event at another seq: ${what()}`)
        if (b.user) assert.equal(event.actor, b.user, `event of another actor: ${what()}`)
      }
      record(body as { conv: string; seq: number; event?: SeqlineEvent })
    } else if (a.contentType.startsWith('application/json')) parse(a.text, what)
  }

  test('random requests to every endpoint: never a 5xx, always the documented error shape', async (t) => {
    const seed = fuzzSeed(424242)
    const numRuns = fuzzRuns(400)
    const started = Date.now()
    await checkProperty(
      // A few requests at once, as clients send them: writes to one conversation race through the handler.
      fc.asyncProperty(fc.array(fc.tuple(requestOp, fc.nat(9)), { minLength: 1, maxLength: 4 }), async (batch) => {
        const built = batch.map(([op, dice]) =>
          // Four in ten well-formed, half of those a message, so that successes (and writes) are common enough to count.
          build(dice < 2 ? wellFormed({ ...op, endpoint: SEND }) : dice < 4 ? wellFormed(op) : op),
        )
        const answers = await Promise.all(built.map((b) => send(b)))
        for (const [i, b] of built.entries()) check(b, answers[i]!)
      }),
      { seed, numRuns, name: 'HTTP fuzz' },
    )
    // Still serving, and still accepting well-formed writes.
    const health = await healthz()
    assert.equal(health.status, 200)
    t.diagnostic(
      `seed ${seed}: ${stats.requests} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(stats.statuses))}; codes ${JSON.stringify(Object.fromEntries(stats.codes))}`,
    )
  })

  // ---- HTTP that is not HTTP: bytes on a socket ----

  /** Requests broken below the router: the parser, the URL, the framing. Each ends, so none waits on a timeout. */
  const RAW: Array<(o: { junk: string; n: number; size: number }, token: string) => string | Buffer> = [
    // Bytes after a complete request: the parser reads them as the next request.
    (o) => `GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nX${o.junk.replace(/\r?\n/g, ' ')}\r\n\r\n`,
    (o) => `${o.junk.replace(/[\r\n]/g, '')} / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    () => 'GET\r\n\r\n',
    () => 'GET / HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n',
    () => Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]),
    () => 'GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nConnection: close\r\n\r\n',
    (_o, t) =>
      `POST /v1/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}`,
    (_o, t) =>
      `POST /v1/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
    (_o, t) =>
      `POST /v1/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`,
    (o) => `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(o.size)}\r\nConnection: close\r\n\r\n`,
    (o) =>
      Buffer.concat([
        Buffer.from('GET /v1/conversations/'),
        Buffer.from(o.junk, 'latin1'),
        Buffer.from('/events?from=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      ]),
    () => 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\nConnection: close\r\n\r\n',
    () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    (_o, t) => `GET http://elsewhere.example/v1/inbox HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nConnection: close\r\n\r\n`,
    (_o, t) => `get /v1/inbox HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nConnection: close\r\n\r\n`,
    (o, t) =>
      `GET /v1/conversations/g_${'%zz'.repeat(1 + (o.n % 3))}/events?from=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nConnection: close\r\n\r\n`,
    (o, t) => `GET /v1/conversations/g_${'a'.repeat(257 + o.n)}/events?from=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nConnection: close\r\n\r\n`,
    (o, t) =>
      `POST /v1/groups/g_fuzz/members/${'b'.repeat(300 + o.n)}/kick HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{"id":"k1"}`,
    (_o, t) =>
      `POST /v1/groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nContent-Length: 1\r\nConnection: close\r\n\r\n{"id":"short","name":"x"}`,
    (o) => `GET /healthz?${'q='.repeat(o.size)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  ]

  /** Writes the bytes and reads until the server closes (every template asks it to, or breaks the connection), or 5 s pass. */
  function rawSend(bytes: string | Buffer): Promise<{ status: number; headers: string; body: string; raw: string }> {
    const url = new URL(s.url)
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      const socket = connect({ host: url.hostname, port: Number(url.port) })
      const timer = setTimeout(() => socket.destroy(), 5000)
      socket.on('data', (c) => chunks.push(c))
      socket.on('error', () => undefined)
      socket.on('close', () => {
        clearTimeout(timer)
        const raw = Buffer.concat(chunks).toString('latin1')
        const status = /^HTTP\/1\.1 (\d{3}) /.exec(raw)
        if (!status) return reject(new Error(`no HTTP response to ${JSON.stringify(String(bytes).slice(0, 200))}: ${JSON.stringify(raw.slice(0, 200))}`))
        const end = raw.indexOf('\r\n\r\n')
        const headers = raw.slice(0, end)
        let body = raw.slice(end + 4)
        const length = /\r\ncontent-length: (\d+)/i.exec(headers)
        if (length) body = body.slice(0, Number(length[1]))
        else if (/\r\ntransfer-encoding: chunked/i.test(headers)) body = dechunk(body)
        resolve({ status: Number(status[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8'), raw })
      })
      // Written without a half-close: node's server drops a request whose client ends its side before the answer.
      socket.write(bytes)
    })
  }

  test('requests broken below the router (parser, URL, framing) get the documented error shape too', async (t) => {
    const seed = fuzzSeed(99)
    const numRuns = fuzzRuns(150)
    const started = Date.now()
    const seen = new Map<string, number>()
    await checkProperty(
      fc.asyncProperty(
        fc.record({
          template: fc.nat(RAW.length - 1),
          junk: junkString,
          n: fc.nat(50),
          size: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 17_000, max: 70_000 })),
        }),
        async (o) => {
          const bytes = RAW[o.template]!(o, tokens.alice!)
          const a = await rawSend(bytes)
          const what = () => `${JSON.stringify(String(bytes).slice(0, 300))} → ${a.raw.slice(0, 600)}`
          assert.ok(a.status < 500, `status ${a.status}: ${what()}`)
          if (a.status >= 400) {
            assert.match(a.headers, /\r\ncontent-type: application\/json/i, `error without JSON: ${what()}`)
            const body = parse(a.body, what)
            assert.deepEqual(Object.keys(body), ['error'], `error shape: ${what()}`)
            const { code, message, details, ...rest } = body.error as Record<string, unknown>
            void details
            assert.deepEqual(rest, {}, `error shape: ${what()}`)
            assert.ok(typeof code === 'string' && KNOWN_CODES.has(code), `undocumented code ${String(code)}: ${what()}`)
            assert.ok(typeof message === 'string' && message.length > 0, `error without message: ${what()}`)
            seen.set(`${a.status} ${code}`, (seen.get(`${a.status} ${code}`) ?? 0) + 1)
          } else seen.set(String(a.status), (seen.get(String(a.status)) ?? 0) + 1)
        },
      ),
      { seed, numRuns, name: 'raw HTTP fuzz' },
    )
    const health = await healthz()
    assert.equal(health.status, 200, 'still serving')
    t.diagnostic(`seed ${seed}: ${numRuns} raw requests in ${Date.now() - started} ms: ${JSON.stringify(Object.fromEntries(seen))}`)
  })

  // ---- WebSocket ----

  type Frame =
    | { kind: 'binary'; bytes: Uint8Array }
    | { kind: 'text'; text: string }
    | { kind: 'json'; value: unknown }
    | { kind: 'oversized'; size: number }
    | { kind: 'command'; type: number; conv: Pick; mutation: Mutation; rid: string | number | null; seqN: number; text: string; actor: boolean }
    | { kind: 'sync'; have: unknown }
    | { kind: 'typing'; conv: Pick }
    | { kind: 'presence'; status: unknown }
    | { kind: 'ping' }

  const frame: fc.Arbitrary<Frame> = fc.oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: 'binary' as const, bytes })) },
    { weight: 2, arbitrary: junkString.map((text) => ({ kind: 'text' as const, text })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          jsonJunk,
          fc.record(
            { type: fc.oneof(junkString, fc.constantFrom('command', 'sync', 'typing', 'presence', 'ping')), rid: jsonJunk, command: jsonJunk },
            { requiredKeys: [] },
          ),
        )
        .map((value) => ({ kind: 'json' as const, value })),
    },
    { weight: 1, arbitrary: fc.integer({ min: MAX_FRAME + 1, max: MAX_FRAME + 50_000 }).map((size) => ({ kind: 'oversized' as const, size })) },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('command' as const),
        type: fc.nat(COMMAND_ROUTES.length),
        conv: pick,
        mutation,
        rid: fc.oneof(
          { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
          { weight: 1, arbitrary: fc.constantFrom(null, 7, '', 'x'.repeat(200)) },
        ),
        seqN: fc.nat(1000),
        text: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
        actor: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.dictionary(junkString, jsonJunk, { maxKeys: 3 }), jsonJunk, fc.record({ g_fuzz: fc.nat(5), 'd~alice~bob': fc.nat(5) }, { requiredKeys: [] }))
        .map((have) => ({ kind: 'sync' as const, have })),
    },
    { weight: 1, arbitrary: pick.map((conv) => ({ kind: 'typing' as const, conv })) },
    { weight: 1, arbitrary: jsonJunk.map((status) => ({ kind: 'presence' as const, status })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'ping' as const }) },
  )

  const validFrame = createAjv().compile(ServerFrame)
  const validClient = createAjv().compile(ClientFrame)
  const ALLOWED_CLOSES = new Set<number>([CLOSE.POLICY, 1009])

  /** One fuzzed connection: every frame it gets must be a valid server frame. */
  class FuzzSocket {
    readonly received: Array<Record<string, unknown>> = []
    closed: { code: number; reason: string } | null = null
    private waiters: Array<() => void> = []

    constructor(
      readonly ws: WebSocket,
      readonly user: string,
    ) {
      ws.on('message', (data, isBinary) => {
        assert.equal(isBinary, false, 'the server sent a binary frame')
        const parsed = JSON.parse(String(data)) as Record<string, unknown>
        assert.ok(validFrame(parsed), `the server sent a frame outside its schema: ${String(data).slice(0, 500)}`)
        if (parsed.type === 'error') {
          const code = (parsed.error as { code: string }).code
          assert.ok(KNOWN_CODES.has(code), `undocumented code ${code} in ${String(data).slice(0, 300)}`)
          stats.frameCodes.set(code, (stats.frameCodes.get(code) ?? 0) + 1)
        }
        this.received.push(parsed)
        this.wake()
      })
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: String(reason) }
        stats.closes.set(code, (stats.closes.get(code) ?? 0) + 1)
        this.wake()
      })
      ws.on('error', () => undefined)
    }

    static open(user: string): Promise<FuzzSocket> {
      stats.sockets++
      const ws = new WebSocket(wsUrl(s, tokens[user]))
      return new Promise((resolve, reject) => {
        ws.once('open', () => resolve(new FuzzSocket(ws, user)))
        ws.once('error', reject)
      })
    }

    private wake(): void {
      for (const w of this.waiters.splice(0)) w()
    }

    /** Waits until a frame matches or the socket closes; false on timeout. */
    async until(match: (f: Record<string, unknown>) => boolean, ms = 5000): Promise<boolean> {
      const deadline = Date.now() + ms
      for (;;) {
        if (this.received.some(match)) return true
        if (this.closed || Date.now() > deadline) return false
        await new Promise<void>((r) => {
          const timer = setTimeout(r, Math.max(1, deadline - Date.now()))
          this.waiters.push(() => {
            clearTimeout(timer)
            r()
          })
        })
      }
    }
  }

  function socketCommand(f: Extract<Frame, { kind: 'command' }>, user: string, given?: string): Record<string, unknown> {
    const route = COMMAND_ROUTES[f.type]
    const conv = given ?? decodeURIComponentSafe(convOf(f.conv, SPARING.has(route?.type ?? 'group.join')))
    const type = route?.type ?? 'conversation.create-direct'
    const endpoint = ENDPOINTS.find((e) => e.shape.kind === 'command' && e.shape.type === type) ?? ENDPOINTS.find((e) => e.shape.kind === 'direct')!
    const o = {
      conv: f.conv,
      seq: { kind: 'good', n: f.seqN, junk: '', raw: false },
      user: { kind: 'good', n: f.seqN, junk: '', raw: false },
      text: f.text,
      reuseId: f.seqN % 13 === 0,
    } as RequestOp
    const { id, ...data } = goodBody(o, endpoint, conv)!
    const params: Record<string, unknown> = { seq: 1 + (f.seqN % (heads.get(conv) ?? 1)), user: USERS[f.seqN % USERS.length]! }
    for (const [field, param] of Object.entries(route?.fromPath ?? {})) data[field] = params[param]
    const command: Record<string, unknown> = {
      type,
      id,
      conv: type === 'conversation.create-direct' ? directConversationId(user, String(data.peer)) : conv,
      data,
    }
    if (f.actor) command.actor = 'alice'
    return mutate(command, f.mutation) as Record<string, unknown>
  }

  test('random WebSocket frames: error frames or documented closes, and the gateway keeps serving', async (t) => {
    const seed = fuzzSeed(777)
    const numRuns = fuzzRuns(300)
    let socket = await FuzzSocket.open('alice')
    let n = 0
    const started = Date.now()
    await checkProperty(
      fc.asyncProperty(frame, fc.constantFrom(...USERS), async (f, who) => {
        if (socket.closed) {
          assert.ok(ALLOWED_CLOSES.has(socket.closed.code), `closed with ${socket.closed.code} ${socket.closed.reason}`)
          socket = await FuzzSocket.open(who)
        }
        stats.frames++
        const rid = `r${++n}`
        const errorsBefore = socket.received.filter((r) => r.type === 'error').length
        /** The frame breaks the protocol: it must get an error frame at once (before the pong of a later ping). */
        let badFrame = false
        const sendJson = (value: unknown) => {
          badFrame = !validClient(value)
          socket.ws.send(toJson(value))
        }
        switch (f.kind) {
          case 'binary':
            badFrame = true
            socket.ws.send(f.bytes, { binary: true })
            break
          case 'text': {
            let value: unknown
            try {
              value = JSON.parse(f.text)
              badFrame = !validClient(value)
            } catch {
              badFrame = true
            }
            socket.ws.send(f.text)
            break
          }
          case 'json':
            sendJson(f.value ?? null)
            break
          case 'oversized':
            socket.ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(f.size) }))
            await socket.until(() => false, 2000)
            assert.equal(socket.closed?.code, 1009, 'an oversized frame closes the connection with 1009')
            return
          case 'command': {
            // A third well-formed, most of those messages, so that the socket writes too.
            const sendRoute = COMMAND_ROUTES.findIndex((r) => r.type === 'message.send')
            const wellFormedFrame = {
              ...f,
              type: f.seqN % 4 ? sendRoute : f.type,
              mutation: { op: 'none' as const },
              conv: { ...f.conv, kind: 'good' as const },
            }
            // In a conversation of the user's, mostly: the seeded group has everyone but mallory.
            const spared = SPARING.has(COMMAND_ROUTES[wellFormedFrame.type]?.type ?? 'group.join')
            const own = socket.user === 'mallory' || f.seqN % 5 === 0 || spared ? undefined : 'g_fuzz'
            const command = f.seqN % 3 === 0 ? socketCommand(wellFormedFrame, socket.user, own) : socketCommand(f, socket.user)
            const frameRid = typeof f.rid === 'string' && f.rid.length > 0 && f.rid.length <= 128 ? rid : f.rid
            sendJson({ type: 'command', rid: frameRid, command })
            if (frameRid !== rid) break
            const answered = await socket.until((r) => (r.type === 'ack' || r.type === 'error') && r.rid === rid)
            assert.ok(answered || socket.closed, `no ack or error for command frame ${JSON.stringify(command).slice(0, 300)}`)
            const ack = socket.received.find((r) => r.type === 'ack' && r.rid === rid)
            if (ack) {
              assert.ok(!badFrame, `a frame outside the schema was acknowledged: ${JSON.stringify(command).slice(0, 300)}`)
              acks.push({
                actor: socket.user,
                conv: ack.conv as string,
                cmd: command.id as string,
                seq: ack.seq as number,
                duplicate: ack.duplicate as boolean,
              })
              heads.set(ack.conv as string, Math.max(heads.get(ack.conv as string) ?? 0, ack.seq as number))
            }
            break
          }
          case 'sync':
            sendJson({ type: 'sync', have: f.have })
            break
          case 'typing':
            sendJson({ type: 'typing', conv: decodeURIComponentSafe(convOf(f.conv)) })
            break
          case 'presence':
            sendJson({ type: 'presence', status: f.status })
            break
          case 'ping':
            break
        }
        // Frames are handled in order: once the pong for a later ping is in, every bad frame before it has been answered.
        const pongs = socket.received.filter((r) => r.type === 'pong').length
        if (!socket.closed) socket.ws.send('{"type":"ping"}')
        const ponged = await socket.until(() => socket.received.filter((r) => r.type === 'pong').length > pongs)
        if (badFrame && ponged) {
          assert.ok(socket.received.filter((r) => r.type === 'error').length > errorsBefore, `a bad frame got no error frame (${f.kind})`)
        }
      }),
      { seed, numRuns, name: 'WebSocket fuzz' },
    )
    if (socket.closed) assert.ok(ALLOWED_CLOSES.has(socket.closed.code), `closed with ${socket.closed.code} ${socket.closed.reason}`)
    else socket.ws.close()

    // Bad credentials on the upgrade: closed with 4401.
    for (const header of ['garbage', 'expired', 'forged', 'bad-sub', 'alg-none'] as const) {
      const ws = new WebSocket(`${wsUrl(s)}?token=${encodeURIComponent(bad[header]!.replace(/^Bearer /, ''))}`)
      const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)))
      assert.equal(code, CLOSE.UNAUTHORIZED, `a ${header} token on the socket`)
    }

    // The gateway still serves: a fresh socket gets a pong and an ack.
    const fresh = await FuzzSocket.open('carol')
    fresh.ws.send('{"type":"ping"}')
    assert.ok(await fresh.until((r) => r.type === 'pong'), 'no pong after the fuzz')
    const id = `after-${randomBytes(4).toString('hex')}`
    fresh.ws.send(
      JSON.stringify({
        type: 'command',
        rid: 'last',
        command: { type: 'message.send', id, conv: 'g_open', data: { content: { type: 'text', text: 'still here' } } },
      }),
    )
    assert.ok(await fresh.until((r) => r.rid === 'last'), 'no answer to a command after the fuzz')
    const last = fresh.received.find((r) => r.rid === 'last')!
    if (last.type === 'ack') acks.push({ actor: 'carol', conv: 'g_open', cmd: id, seq: last.seq as number, duplicate: last.duplicate as boolean })
    fresh.ws.close()
    t.diagnostic(
      `seed ${seed}: ${stats.frames} frames on ${stats.sockets} sockets in ${Date.now() - started} ms; ${acks.length} acks; error frames ${JSON.stringify(Object.fromEntries(stats.frameCodes))}; closes ${JSON.stringify(Object.fromEntries(stats.closes))}`,
    )
  })

  test('the same command sent several times at once, through two API processes, writes one event', async (t) => {
    const seed = fuzzSeed(31337)
    const numRuns = fuzzRuns(40)
    const other = await s.another()
    const endpoint = ENDPOINTS[SEND]!
    let written = 0
    await checkProperty(
      fc.asyncProperty(
        fc.record({
          copies: fc.integer({ min: 2, max: 6 }),
          via: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
          who: fc.constantFrom('alice', 'bob', 'carol'),
          conv: fc.constantFrom('g_fuzz', 'd~alice~bob'),
          text: fc.string({ minLength: 1, maxLength: 20 }),
        }),
        async ({ copies, via, who, conv, text }) => {
          const body = Buffer.from(JSON.stringify({ id: `retry-${randomBytes(6).toString('hex')}`, content: { type: 'text', text } }))
          const built = Array.from(
            { length: copies },
            (_, i): Built => ({
              base: via[i] ? other.url : s.url,
              method: 'POST',
              path: endpoint.path.replace(':conv', conv),
              headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
              body,
              chunked: false,
              user: who,
              wellFormed: true,
              endpoint,
            }),
          )
          const answers = await Promise.all(built.map((b) => send(b)))
          for (const [i, b] of built.entries()) check(b, answers[i]!)
          const statuses = new Set(answers.map((a) => a.status))
          assert.equal(statuses.size, 1, `copies of one command answered differently: ${answers.map((a) => `${a.status} ${a.text.slice(0, 200)}`).join(' | ')}`)
          if (!statuses.has(200)) return
          const bodies = answers.map((a) => JSON.parse(a.text) as { seq: number; duplicate: boolean; event?: SeqlineEvent })
          assert.equal(new Set(bodies.map((b) => b.seq)).size, 1, `copies got different seqs: ${bodies.map((b) => b.seq).join(', ')}`)
          assert.equal(new Set(bodies.map((b) => b.event?.id)).size, 1, 'copies reported different events')
          assert.equal(bodies.filter((b) => !b.duplicate).length, 1, `not exactly one original among ${JSON.stringify(bodies.map((b) => b.duplicate))}`)
          written++
        },
      ),
      { seed, numRuns, name: 'concurrent retry fuzz' },
    )
    t.diagnostic(`seed ${seed}: ${numRuns} commands sent 2-6 times at once over two processes; ${written} written once each`)
    // A run where every copy was refused would check nothing about duplicates.
    assert.ok(written > 0, `none of ${numRuns} commands was written: the property held vacuously`)
  })

  test('the log holds exactly the events the successes reported, with dense seqs', async (t) => {
    const log = server.log
    const all: SeqlineEvent[] = []
    for await (const event of eventsBetween(log, 0)) all.push(event)
    let stored = 0
    for (let p = 0; p < log.partitions; p++) stored += (await log.partitionInfo(p)).events
    assert.equal(all.length, stored, 'the scan saw every stored message')

    // Every stored event is one a success reported: in a REST answer, or acknowledged on a socket.
    const byAck = new Map<string, typeof acks>()
    for (const a of acks) byAck.set(`${a.conv}/${a.seq}`, [...(byAck.get(`${a.conv}/${a.seq}`) ?? []), a])
    let viaSocket = 0
    for (const event of all) {
      const answered = reported.get(event.id)
      if (answered) {
        assert.deepEqual(event, answered, 'the stored event differs from the one the answer reported')
        continue
      }
      const acked = byAck.get(`${event.conv}/${event.seq}`)?.some((a) => a.actor === event.actor && a.cmd === event.cmd)
      assert.ok(acked, `an event no success reported: ${JSON.stringify(event).slice(0, 500)}`)
      viaSocket++
    }
    // And every event an answer reported is stored, unless a tombstone in the log says it was erased (an erasing recall).
    const stored_ = new Set(all.map((e) => e.id))
    const erased = new Set(all.flatMap((e) => erasedBy(e).map((seq) => `${e.conv}/${seq}`)))
    for (const [id, event] of reported) {
      if (erased.has(`${event.conv}/${event.seq}`)) continue
      assert.ok(stored_.has(id), `reported but not stored: ${JSON.stringify(event).slice(0, 300)}`)
    }

    // Dense seqs (each present or erased by a tombstone), and each conversation read on its own gives the same count.
    const byConv = new Map<string, number[]>()
    for (const e of all) byConv.set(e.conv, [...(byConv.get(e.conv) ?? []), e.seq])
    const seqsOf = (conv: string) => [
      ...(byConv.get(conv) ?? []),
      ...[...erased].filter((k) => k.startsWith(`${conv}/`)).map((k) => Number(k.slice(conv.length + 1))),
    ]
    for (const [conv, stored] of byConv) {
      const seqs = seqsOf(conv).sort((a, b) => a - b)
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
        `seqs of ${conv}`,
      )
      assert.equal((await readAll(log, conv)).length, stored.length, `range read of ${conv}`)
    }
    for (const [conv, head] of heads) assert.ok(seqsOf(conv).length >= head, `${conv} was answered with seq ${head} but holds less`)
    // The projection digested everything the fuzz wrote.
    await s.settle()
    t.diagnostic(`${all.length} events in ${byConv.size} conversations: ${reported.size} reported by REST answers, ${viaSocket} acknowledged on sockets`)
  })
})

/**
 * A value nested `depth` levels deep, arrays in objects in arrays. Written out as
 * text by toJson: JSON.stringify would recurse, and overflow this side's stack first.
 */
class Deep {
  constructor(readonly depth: number) {}
  text(): string {
    const half = Math.floor(this.depth / 2)
    return `${'{"a":['.repeat(half)}1${']}'.repeat(half)}`
  }
}

/** JSON.stringify, with every Deep written out in place. */
function toJson(value: unknown): string {
  const deep: Deep[] = []
  const json = JSON.stringify(value, (_k, v: unknown) => (v instanceof Deep ? `\u0000deep${deep.push(v) - 1}\u0000` : v))
  if (json === undefined) return 'null'
  return json.replace(/"\\u0000deep(\d+)\\u0000"/g, (_m, i: string) => deep[Number(i)]!.text())
}

/** The body of a chunked response. */
function dechunk(text: string): string {
  let out = ''
  let rest = text
  for (;;) {
    const line = rest.indexOf('\r\n')
    const size = parseInt(rest.slice(0, line), 16)
    if (!(size > 0)) return out
    out += rest.slice(line + 2, line + 2 + size)
    rest = rest.slice(line + 2 + size + 2)
  }
}

function parse(text: string, what: () => string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    assert.fail(`not JSON: ${what()}`)
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** The seqs a tombstone event says were erased from the log. */
function erasedBy(e: SeqlineEvent): number[] {
  if (e.type === 'message.recalled' && e.data.erase) return [e.data.target, ...(e.data.edits ?? [])]
  if (e.type === 'message.burned') return [e.data.target, ...(e.data.edits ?? [])]
  if (e.type === 'content.erased') return e.data.targets.flatMap((t) => [t.seq, ...(t.edits ?? [])])
  return []
}
