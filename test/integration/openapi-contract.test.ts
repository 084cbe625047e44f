// The served OpenAPI document is the contract: requests built from it (valid ones from its
// schemas, and invalid ones) go to the real stack (nats-server, chDB history), and every
// response must have a status the document lists for that operation and a body its schema
// accepts. The document and the server cannot drift apart without this failing.
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import AjvModule, { type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { ParkedStore } from '../../integrations/delivery/index.js'
import { Webhooks } from '../../integrations/webhooks/index.js'
import { HistorySink } from '../../projections/history/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { sinkCaughtUp, withHistoryBackend } from '../helpers/history.js'
import { createGroup, text, withLogServer } from '../helpers/log.js'
import { dereference } from '../helpers/openapi.js'

const Ajv = AjvModule.default
const addFormats = addFormatsModule.default

type Schema = Record<string, any>
interface Parameter {
  name: string
  in: 'query' | 'path'
  required?: boolean
  schema: Schema
}
interface Operation {
  method: string
  path: string
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> }
  responses: Record<string, { content?: Record<string, { schema: Schema }>; 'x-error-codes'?: string[] }>
  security?: Array<Record<string, string[]>>
}
interface Sent {
  label: string
  method: string
  url: string
  token: string | null
  body?: string
}

// Values for fields whose schema alone cannot produce a meaningful one (ids with patterns,
// who to invite, which message): by field name. Anything else is generated from the schema.
const BODY_VALUES: Record<string, unknown> = {
  peer: 'bo',
  from: '2026-12-01T00:00:00Z',
  users: ['dee'],
  to: 'bo',
  user: 'amy',
  targets: [2],
  upTo: 2,
  seconds: 60,
  sql: 'SELECT 1',
  name: 'contract',
  members: ['bo'],
  key: '👍',
}
// wait=0: an erasure answers 202 at once (no worker runs here) rather than after a minute.
const QUERY_VALUES: Record<string, string> = { from: '1', q: 'hello', since: '0', wait: '0' }

describe('the served OpenAPI document against the running server', () => {
  const t = withLogServer()
  const h = withHistoryBackend('chdb')
  let s: ApiStack
  let doc: { paths: Record<string, Record<string, Operation>>; security: Array<Record<string, string[]>> }
  let operations: Operation[]
  const tokens: Record<string, string> = {}
  const ajv = new Ajv({ strict: false, allErrors: true, discriminator: true })
  addFormats(ajv)
  const compiled = new Map<Schema, ValidateFunction>()
  const check = (schema: Schema) => compiled.get(schema) ?? compiled.set(schema, ajv.compile(schema)).get(schema)!
  let n = 0

  before(async () => {
    const db = await h.open('contract')
    const sink = new HistorySink(t.log, db, { flushIntervalMs: 20 })
    await sink.start()
    t.defer(() => sink.stop())
    const parked = await ParkedStore.open(t.nc)
    t.defer(() => parked.close())
    // Administered only: nothing here needs a webhook delivered.
    const webhooks = await Webhooks.open(t.nc, t.log, parked, null)
    s = await startApiStack(t, 'contract_views', undefined, { history: { db, sqlLimits: { timeoutSeconds: 5, maxRows: 50 } }, webhooks })
    t.defer(() => s.stop())
    for (const u of ['amy', 'bo', 'cy', 'dee']) {
      tokens[u] = await s.token(u)
      assert.equal(
        (await s.api.app.inject({ method: 'PUT', url: `/v1/admin/users/${u}`, headers: { authorization: `Bearer ${s.serviceToken}` }, payload: {} }))
          .statusCode,
        201,
      )
    }
    await createGroup(t.handler, 'g_reads', 'amy', ['bo'])
    await t.handler.execute(text('r1', 'g_reads', 'amy', 'hello contract'))
    await t.handler.execute({ type: 'conversation.create-direct', id: 'direct', conv: 'd~amy~bo', actor: 'amy', data: { peer: 'bo' } })
    await s.settle()
    await sinkCaughtUp(sink)
    const served = await s.api.app.inject({ method: 'GET', url: '/openapi.json' })
    assert.equal(served.statusCode, 200)
    // Schemas are named components; the checks below read them inline.
    doc = dereference(served.json())
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })))
  })

  const isAdmin = (op: Operation) => op.path.startsWith('/v1/admin')
  const isPublic = (op: Operation) => (op.security ?? doc.security).length === 0
  // Who makes a valid call: the service for admin paths; someone the command suits otherwise.
  function callerOf(op: Operation): string | null {
    if (isPublic(op)) return null
    if (isAdmin(op)) return s.serviceToken
    if (op.path.endsWith('/join')) return tokens.dee!
    if (op.path.endsWith('/leave')) return tokens.cy!
    return tokens.amy!
  }

  /** A conversation of its own for each command, so that no command's effect changes another's answer. */
  async function conversationFor(op: Operation): Promise<string> {
    if (op.path.endsWith('/burn')) return 'd~amy~bo'
    if (op.method === 'GET') return 'g_reads'
    const conv = `g_contract_${++n}`
    const created = await t.handler.execute({
      type: 'group.create',
      id: `create-${conv}`,
      conv,
      actor: 'amy',
      data: { name: conv, members: ['bo', 'cy'], joinable: true },
    })
    assert.ok(created.ok, JSON.stringify(created))
    const sent = await t.handler.execute(text(`m-${conv}`, conv, 'amy', 'hello contract'))
    assert.ok(sent.ok && sent.seq === 2, JSON.stringify(sent))
    // Taking back a reaction or a pin needs one there first.
    const undone = op.path.endsWith('/reactions/remove')
      ? { type: 'reaction.add', data: { target: 2, key: '👍' } }
      : op.path.endsWith('/unpin')
        ? { type: 'message.pin', data: { target: 2 } }
        : undefined
    if (undone) assert.ok((await t.handler.execute({ ...undone, id: `undo-${conv}`, conv, actor: 'amy' })).ok)
    return conv
  }

  async function validRequest(op: Operation): Promise<Sent> {
    const conv = op.path.includes('{conv}') ? await conversationFor(op) : ''
    const path = op.path
      .replace('{conv}', conv)
      .replace('{seq}', '2')
      .replace('{name}', 'crm')
      .replace('{user}', isAdmin(op) ? 'amy' : 'cy')
      .replace('{name}', 'contract')
    const query = (op.parameters ?? [])
      .filter((p) => p.in === 'query' && (p.required || QUERY_VALUES[p.name] !== undefined))
      .map((p) => `${p.name}=${encodeURIComponent(QUERY_VALUES[p.name] ?? String(sample(p.schema, p.name)))}`)
    const schema = op.requestBody?.content['application/json']?.schema
    let body: string | undefined
    if (schema) {
      const value = sample(schema, '')
      // The generator is held to the document too: what it builds must be a valid body.
      assert.ok(check(schema)(value), `${op.method} ${op.path}: the built body ${JSON.stringify(value)} is not valid: ${ajv.errorsText(check(schema).errors)}`)
      body = JSON.stringify(value)
    }
    return { label: 'valid', method: op.method, url: `${path}${query.length ? `?${query.join('&')}` : ''}`, token: callerOf(op), body }
  }

  /** A value the schema accepts: the named value when there is one, else the simplest the schema allows. */
  function sample(schema: Schema, name: string): unknown {
    if (name === 'id') return `cmd-${++n}`
    if (name in BODY_VALUES && name !== '') return BODY_VALUES[name]
    if (schema.default !== undefined) return schema.default
    if (schema.enum) return schema.enum[0]
    if (schema.oneOf) return sample(schema.oneOf[0], name)
    if (schema.anyOf) return sample(schema.anyOf[0], name)
    switch (schema.type) {
      case 'object': {
        const props = (schema.properties ?? {}) as Record<string, Schema>
        const names = [...(schema.required ?? [])]
        // Fill in optional fields until the object has as many as the schema asks for.
        for (const extra of Object.keys(props)) if (names.length < (schema.minProperties ?? 0) && !names.includes(extra)) names.push(extra)
        return Object.fromEntries(names.map((k) => [k, sample(props[k] ?? {}, k)]))
      }
      case 'array':
        return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items ?? {}, name))
      case 'integer':
      case 'number':
        return schema.minimum ?? 1
      case 'boolean':
        return true
      case 'string':
        if (schema.format === 'uri') return 'https://example.com/a.png'
        assert.equal(schema.pattern, undefined, `no value for the field ${name} with pattern ${schema.pattern}: add one to BODY_VALUES`)
        return 'x'.repeat(schema.minLength ?? 1)
      default:
        return {}
    }
  }

  /** Requests the server must refuse, each in a documented way. */
  function invalidRequests(op: Operation, valid: Sent): Sent[] {
    const out: Sent[] = []
    if (!isPublic(op)) out.push({ ...valid, label: 'no token', token: null })
    if (valid.body !== undefined) {
      out.push({ ...valid, label: 'unknown field', body: JSON.stringify({ ...JSON.parse(valid.body), unknown_field: 1 }) })
      out.push({ ...valid, label: 'not JSON', body: '{"id":' })
    }
    for (const p of op.parameters ?? []) {
      if (p.in === 'query' && p.schema.type === 'integer') out.push({ ...valid, label: `${p.name}=1e400`, url: withQuery(valid.url, p.name, '1e400') })
    }
    if (op.path.includes('{conv}')) out.push({ ...valid, label: 'bad conv', url: valid.url.replace(/\/(g_[^/?]+|d~[^/?]+)/, '/not-a-conversation') })
    // A new command id: the valid request's id would be answered as its duplicate.
    if (op.path.includes('{seq}'))
      out.push({
        ...valid,
        label: 'seq beyond the head',
        url: valid.url.replace('/messages/2', '/messages/999').replace('/threads/2', '/threads/999'),
        body: valid.body && JSON.stringify({ ...JSON.parse(valid.body), id: `cmd-${++n}` }),
      })
    return out
  }

  function withQuery(url: string, name: string, value: string): string {
    const [path, query = ''] = url.split('?')
    const kept = query.split('&').filter((kv) => kv !== '' && !kv.startsWith(`${name}=`))
    return `${path}?${[...kept, `${name}=${value}`].join('&')}`
  }

  /** The status must be documented for the operation and the body valid against that response's schema. */
  async function conforms(op: Operation, sent: Sent): Promise<number> {
    const headers: Record<string, string> = {}
    if (sent.token) headers.authorization = `Bearer ${sent.token}`
    if (sent.body !== undefined) headers['content-type'] = 'application/json'
    const r = await s.api.app.inject({ method: sent.method as 'GET', url: sent.url, headers, payload: sent.body })
    const what = `${sent.method} ${sent.url} (${sent.label}) → ${r.statusCode} ${r.body.slice(0, 300)}`
    const spec = op.responses[String(r.statusCode)] ?? op.responses[`${String(r.statusCode)[0]}XX`]
    assert.ok(spec, `${what}: status ${r.statusCode} is not documented (documented: ${Object.keys(op.responses).join(', ')})`)
    const [type = '', media] = Object.entries(spec.content ?? {})[0] ?? []
    assert.ok(media, `${what}: the document gives no body for ${r.statusCode}`)
    assert.ok(String(r.headers['content-type']).startsWith(type), `${what}: content type ${r.headers['content-type']}, documented ${type}`)
    const bodies =
      type === 'application/json'
        ? [r.json()]
        : type === 'application/x-ndjson'
          ? r.body
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l))
          : [r.body]
    for (const body of bodies)
      assert.ok(check(media.schema)(body), `${what}: the body does not match the document: ${ajv.errorsText(check(media.schema).errors)}`)
    const codes = spec['x-error-codes']
    if (r.statusCode >= 400 && codes)
      assert.ok(codes.includes(r.json().error.code), `${what}: the code is not among those documented for ${r.statusCode}: ${codes.join(', ')}`)
    return r.statusCode
  }

  // What a valid request built from the document answers when it is not a success, and why.
  // (Analyst SQL, once a 501 on chDB, answers on this chDB stack too.)
  // The replay names the webhook the DELETE before it (same path, earlier in the document) removed.
  const NOT_SUCCESS: Record<string, number> = { 'POST /v1/admin/webhooks/{name}/replay': 404 }

  test('every operation: a valid request built from the document succeeds, invalid ones are refused, every answer as documented', async () => {
    assert.ok(operations.length >= 38, `the document has only ${operations.length} operations`)
    let answers = 0
    for (const op of operations) {
      const valid = await validRequest(op)
      const status = await conforms(op, valid)
      const expected = NOT_SUCCESS[`${op.method} ${op.path}`]
      if (expected) assert.equal(status, expected, `${op.method} ${op.path}`)
      else assert.ok(status >= 200 && status < 300, `${op.method} ${valid.url}: a valid request answered ${status}`)
      answers++
      for (const invalid of invalidRequests(op, valid)) {
        const refused = await conforms(op, invalid)
        assert.ok(refused >= 400 && refused < 500, `${op.method} ${invalid.url} (${invalid.label}): answered ${refused}, not a refusal`)
        answers++
      }
    }
    assert.ok(answers > 150, `only ${answers} answers checked`)
  })
})
