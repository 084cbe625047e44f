// The served OpenAPI document as clients and code generators read it: examples that the
// schemas accept, the error codes of each operation, named component schemas, declared tags,
// descriptions that survive Markdown. No server runs: the app answers inject().
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import AjvModule from 'ajv'
import addFormatsModule from 'ajv-formats'
import { ERROR_CODES, type ErrorCode } from '../../schemas/index.js'
import { TIME_ZONE_FORMAT, timeZoneNamed } from '../../schemas/times.js'
import { dereference } from '../helpers/openapi.js'
import { type RestApp, restApp } from '../helpers/rest-app.js'

const Ajv = AjvModule.default
const addFormats = addFormatsModule.default

type Json = Record<string, any>
interface Operation {
  label: string
  tags?: string[]
  security?: unknown[]
  parameters?: Json[]
  requestBody?: { content: Record<string, Json> }
  responses: Record<string, { description: string; content?: Record<string, Json>; 'x-error-codes'?: ErrorCode[] }>
}

describe('the OpenAPI document', () => {
  let s: RestApp
  let raw: Json
  let doc: Json
  const operationsOf = (d: Json): Operation[] =>
    Object.entries(d.paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ ...op, label: `${method.toUpperCase()} ${path}` }) as Operation),
    )
  const ajv = new Ajv({ strict: false, allErrors: true, discriminator: true })
  addFormats(ajv)
  ajv.addFormat(TIME_ZONE_FORMAT, (name: string) => timeZoneNamed(name) !== undefined)

  before(async () => {
    s = await restApp()
    raw = (await s.app.inject({ url: '/openapi.json' })).json()
    doc = dereference(raw)
  })
  after(() => s.close())

  test('every operation has an example of each parameter, of its body and of each response, and the schema accepts it', () => {
    let checked = 0
    const valid = (schema: Json, example: unknown, what: string) => {
      assert.notEqual(example, undefined, `${what}: no example`)
      assert.ok(ajv.validate(schema, example), `${what}: example ${JSON.stringify(example)} is not valid: ${ajv.errorsText()}`)
      checked++
    }
    for (const op of operationsOf(doc)) {
      for (const p of op.parameters ?? []) valid(p.schema, p.example, `${op.label} parameter ${p.name}`)
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) valid(media.schema, media.example, `${op.label} body (${type})`)
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (type === 'text/plain') continue // the metrics exposition: any text
          valid(media.schema, media.example, `${op.label} ${status} (${type})`)
        }
      }
    }
    assert.ok(checked > 200, `only ${checked} examples`)
  })

  test('every operation lists the error codes it answers with, each under its own status', () => {
    for (const op of operationsOf(doc)) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400)
      assert.ok(!('4XX' in op.responses) && !('5XX' in op.responses), `${op.label}: a catch-all instead of codes`)
      const all: ErrorCode[] = []
      for (const [status, response] of errors) {
        const codes = response['x-error-codes']
        if (op.label === 'GET /readyz' && status === '503') continue // not ready: a readiness body, not an error
        assert.ok(codes && codes.length > 0, `${op.label} ${status}: no codes`)
        for (const code of codes) {
          assert.equal(ERROR_CODES[code].status, Number(status), `${op.label}: ${code} listed under ${status}`)
          assert.ok(response.description.includes(`\`${code}\``), `${op.label} ${status}: the description does not name ${code}`)
        }
        assert.equal(op.responses[status]!.content?.['application/json']?.example.error.code, codes[0])
        all.push(...codes)
      }
      assert.ok(all.includes('INTERNAL'), `${op.label}: INTERNAL`)
      const authenticated = (op.security ?? doc.security).length > 0
      assert.equal(all.includes('UNAUTHORIZED'), authenticated, `${op.label}: UNAUTHORIZED exactly when a token is needed`)
      if (op.requestBody)
        for (const code of ['VALIDATION_FAILED', 'MALFORMED_JSON', 'BODY_TOO_LARGE'] as const) assert.ok(all.includes(code), `${op.label}: ${code}`)
      if (op.tags?.includes('commands'))
        for (const code of ['NOT_MEMBER', 'LOG_UNAVAILABLE', 'CONTENTION'] as const) assert.ok(all.includes(code), `${op.label}: ${code}`)
    }
    const codesOf = (label: string) => operationsOf(doc).find((op) => op.label === label)!.responses
    assert.deepEqual(codesOf('GET /v1/admin/users/{user}')['404']!['x-error-codes'], ['USER_NOT_FOUND'])
    assert.ok(codesOf('POST /v1/admin/sql')['403']!['x-error-codes']!.includes('SQL_OUTSIDE_HISTORY'))
    assert.ok(codesOf('GET /v1/conversations/{conv}/messages/{seq}/receipts')['400']!['x-error-codes']!.includes('SEQ_OUT_OF_RANGE'))
  })

  test('bodies and answers are named component schemas, so code generators make real types of them', () => {
    const named = (schema: Json | undefined, what: string) => {
      assert.match(String(schema?.$ref), /^#\/components\/schemas\/\w+$/, `${what}: an anonymous schema`)
      assert.ok(raw.components.schemas[String(schema!.$ref).split('/').pop()!], `${what}: ${schema!.$ref} is not defined`)
    }
    for (const op of operationsOf(raw)) {
      const body = op.requestBody?.content['application/json']
      if (body) named(body.schema, `${op.label} body`)
      for (const [status, response] of Object.entries(op.responses)) {
        const json = response.content?.['application/json']
        if (json && !(op.label === 'GET /metrics' && status === '200')) named(json.schema, `${op.label} ${status}`)
      }
    }
    for (const name of ['ErrorBody', 'Accepted', 'EventPage', 'Event', 'InboxRow', 'SearchResult', 'MessageSendBody', 'GroupCreateBody']) {
      assert.ok(raw.components.schemas[name], `${name} is not a component`)
    }
  })

  test('every tag an operation uses is declared, with a description', () => {
    const declared = new Map((raw.tags as Array<{ name: string; description?: string }>).map((t) => [t.name, t.description]))
    for (const op of operationsOf(raw)) {
      assert.ok(op.tags?.length, `${op.label}: no tag`)
      for (const tag of op.tags!) assert.ok(declared.get(tag), `${op.label}: tag ${tag} is not declared`)
    }
  })

  test('no description holds a bare <name>: the docs page reads Markdown, where it is an HTML tag and vanishes (g_<id> showed as g_)', () => {
    const bare: string[] = []
    const visit = (node: unknown, path: string) => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) visit(n, `${path}/${i}`)
        return
      }
      if (typeof node !== 'object' || node === null) return
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'description' || key === 'summary') && typeof value === 'string' && /<[A-Za-z]/.test(value.replace(/`[^`]*`/g, '')))
          bare.push(`${path}: ${value}`)
        visit(value, `${path}/${key}`)
      }
    }
    visit(raw, '')
    assert.deepEqual(bare, [])
    assert.match(JSON.stringify(raw), /`g_<id>`/)
  })
})
