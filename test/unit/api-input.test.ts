// Input at the edge of the REST API, decided before any route reaches the log: numbers that
// are not finite numbers in range, methods a path does not have, the document's view of
// defaults, the field names errors point at. No server runs: the app answers inject().
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { dereference } from '../helpers/openapi.js'
import { type RestApp, restApp, send } from '../helpers/rest-app.js'

interface Operation {
  method: string
  path: string
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: { type?: string; default?: unknown; anyOf?: Array<{ format?: string }> } }>
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, { type?: string }>; minProperties?: number; required?: string[] } }> }
}

const NOT_NUMBERS = ['1e309', '1e400', '-1e400', '9'.repeat(400), '9999999999999999999999999', 'Infinity', 'NaN', '0x10', '1e3', '']

describe('input at the edge of the API', () => {
  let s: RestApp
  let user: string
  let operations: Operation[]

  const inject = (method: string, url: string, token: string | null, body?: string) => send(s.app, method, url, token, body)
  const tokenFor = (path: string) => (path.startsWith('/v1/admin') ? s.serviceToken : user)
  // Values that pass each path parameter's schema, so that only the value under test is wrong.
  const concrete = (path: string, seq = '1') => path.replace('{conv}', 'g_input').replace('{user}', 'amy').replace('{name}', 'hook').replace('{seq}', seq)

  before(async () => {
    s = await restApp()
    user = await s.token('amy')
    const doc = dereference((await inject('GET', '/openapi.json', null)).json() as { paths: Record<string, Record<string, Operation>> })
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })))
  })
  after(() => s.close())

  test('every numeric query parameter refuses what is not a finite number in range: 400 naming it, never a 500 or an empty 200', async () => {
    let checked = 0
    for (const op of operations) {
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' || (p.schema.type !== 'integer' && p.schema.type !== 'number')) continue
        for (const bad of NOT_NUMBERS) {
          // Other required parameters get a valid value, so that the answer is about this one.
          const others = (op.parameters ?? [])
            .filter((o) => o.in === 'query' && o.required && o.schema.default === undefined && o.name !== p.name)
            .map((o) => `${o.name}=${o.schema.type === 'integer' ? 1 : 'x'}`)
          const url = `${concrete(op.path)}?${[...others, `${p.name}=${encodeURIComponent(bad)}`].join('&')}`
          const r = await inject(op.method, url, tokenFor(op.path))
          assert.equal(r.statusCode, 400, `${op.method} ${url.slice(0, 120)} → ${r.statusCode} ${r.body.slice(0, 200)}`)
          const error = r.json().error
          assert.equal(error.code, 'VALIDATION_FAILED')
          assert.ok(
            error.details.errors.some((e: { field: string; message: string }) => e.field === `/querystring/${p.name}` && e.message.startsWith(`${p.name} `)),
            `${op.method} ${op.path} ${p.name}=${bad.slice(0, 20)}: ${error.message}`,
          )
          checked++
        }
      }
    }
    // sync, events, search x2, analytics x7: at least one numeric parameter each.
    assert.ok(checked >= 8 * NOT_NUMBERS.length, `only ${checked} checks: the document lost numeric parameters`)
  })

  test('every time query parameter takes epoch ms or ISO 8601 with a zone, and refuses anything else naming it', async () => {
    const NOT_TIMES = [...NOT_NUMBERS, '-1', '2026-02-30T00:00:00Z', '2026-12-01T00:00:00', '2026-12-01', '2026-12-01T08:00:00+08:00', 'yesterday']
    const TIMES = ['1796083200000', '2026-12-01T00:00:00Z', '2026-12-01T08:00:00%2B08:00']
    let checked = 0
    for (const op of operations) {
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' || !p.schema.anyOf?.some((branch) => branch.format === 'date-time')) continue
        const url = (value: string) => `${concrete(op.path)}?${p.name}=${value}${op.path.endsWith('/export') ? '&conv=g_input' : ''}`
        for (const bad of NOT_TIMES) {
          const r = await inject(op.method, url(encodeURIComponent(bad).replace('%2B', '+')), tokenFor(op.path))
          assert.equal(r.statusCode, 400, `${op.method} ${op.path} ${p.name}=${bad.slice(0, 20)} → ${r.statusCode} ${r.body.slice(0, 200)}`)
          assert.ok(
            r
              .json()
              .error.details.errors.some((e: { field: string; message: string }) => e.field === `/querystring/${p.name}` && e.message.startsWith(`${p.name} `)),
            `${op.method} ${op.path} ${p.name}=${bad.slice(0, 20)}: ${r.body.slice(0, 300)}`,
          )
          checked++
        }
        for (const good of TIMES) {
          const r = await inject(op.method, url(good), tokenFor(op.path))
          const errors = r.statusCode === 400 ? (r.json().error.details?.errors ?? []) : []
          assert.ok(
            !errors.some((e: { field: string }) => e.field === `/querystring/${p.name}`),
            `${op.method} ${op.path} ${p.name}=${good}: ${r.body.slice(0, 300)}`,
          )
          checked++
        }
      }
    }
    // export x2, search x2 x2, analytics x7 x2: from and to, since and until.
    assert.ok(checked >= 20 * (NOT_TIMES.length + TIMES.length), `only ${checked} checks: the document lost time parameters`)
  })

  test('every numeric path parameter refuses the same, naming it', async () => {
    let checked = 0
    for (const op of operations) {
      if (!op.path.includes('{seq}')) continue
      for (const bad of NOT_NUMBERS.filter((b) => b !== '')) {
        const body = op.requestBody ? JSON.stringify({ id: 'n1', content: { type: 'text', text: 'x' } }) : undefined
        const r = await inject(op.method, concrete(op.path, encodeURIComponent(bad)), tokenFor(op.path), body)
        // The router refuses a path segment longer than any id first.
        if (bad.length > 256) {
          assert.deepEqual([r.statusCode, r.json().error.code], [414, 'URL_TOO_LONG'])
          continue
        }
        assert.equal(r.statusCode, 400, `${op.method} ${op.path} seq=${bad.slice(0, 20)} → ${r.statusCode} ${r.body.slice(0, 200)}`)
        assert.ok(
          r.json().error.details.errors.some((e: { field: string }) => e.field === '/params/seq'),
          r.body.slice(0, 300),
        )
        checked++
      }
    }
    assert.ok(checked >= 3 * 8, `only ${checked} checks`)
  })

  test('every integer field of a JSON body refuses numbers JSON cannot hold (1e400), naming the field as sent', async () => {
    let checked = 0
    for (const op of operations) {
      const schema = op.requestBody?.content['application/json']?.schema
      for (const [name, property] of Object.entries(schema?.properties ?? {})) {
        if (property.type !== 'integer' && property.type !== 'number') continue
        const r = await inject(op.method, concrete(op.path), tokenFor(op.path), `{"id":"big","${name}":1e400}`)
        assert.equal(r.statusCode, 400, `${op.method} ${op.path} ${name} → ${r.statusCode} ${r.body.slice(0, 200)}`)
        assert.ok(
          r.json().error.details.errors.some((e: { field: string }) => e.field === `/body/${name}`),
          r.body.slice(0, 300),
        )
        checked++
      }
    }
    assert.ok(checked >= 4, `only ${checked} checks`)
  })

  test('an unknown content type is named at its tag with the types it may take, as over the socket', async () => {
    const r = await send(s.app, 'POST', '/v1/conversations/g_a/messages', user, JSON.stringify({ id: 'm', content: { type: 'txt', text: 'x' } }))
    assert.equal(r.statusCode, 400)
    const { error } = r.json() as { error: { code: string; details: { errors: { field: string; message: string }[] } } }
    assert.equal(error.code, 'VALIDATION_FAILED')
    assert.deepEqual(error.details.errors, [
      { field: '/body/content/type', rule: 'enum', message: 'unknown content type "txt"; expected one of text, image, file, custom' },
    ])
  })

  test('a method a path does not have is 405 with Allow; a path nobody serves stays 404', async () => {
    const methodsOf = new Map<string, Set<string>>()
    for (const op of operations) {
      const set = methodsOf.get(op.path) ?? new Set()
      set.add(op.method)
      methodsOf.set(op.path, set)
    }
    let checked = 0
    for (const [path, methods] of methodsOf) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        if (methods.has(method)) continue
        const r = await inject(method, concrete(path), tokenFor(path))
        assert.equal(r.statusCode, 405, `${method} ${path} → ${r.statusCode} ${r.body.slice(0, 200)}`)
        assert.equal(r.json().error.code, 'METHOD_NOT_ALLOWED')
        const allow = String(r.headers.allow).split(', ')
        for (const m of methods) assert.ok(allow.includes(m), `${method} ${path}: Allow ${r.headers.allow} lacks ${m}`)
        assert.ok(!allow.includes(method))
        checked++
      }
    }
    assert.ok(checked > 50, `only ${checked} checks`)
    for (const url of ['/v1/nothing', '/v1/groups/g_input/nothing', '/v1/conversations/g_input/messages/1/nothing']) {
      const r = await inject('GET', url, user)
      assert.deepEqual([r.statusCode, r.json().error.code, r.headers.allow], [404, 'NOT_FOUND', undefined], url)
    }
  })

  test('the document requires no parameter or field that has a default, as the server does not', async () => {
    const defaulted: string[] = []
    for (const op of operations) {
      for (const p of op.parameters ?? []) {
        if (p.schema.default === undefined) continue
        defaulted.push(`${op.path} ${p.name}`)
        assert.notEqual(p.required, true, `${op.method} ${op.path}: ${p.name} has a default and is marked required`)
      }
      const body = op.requestBody?.content['application/json']?.schema
      for (const name of body?.required ?? []) {
        assert.equal(
          (body?.properties?.[name] as { default?: unknown })?.default,
          undefined,
          `${op.method} ${op.path}: body field ${name} has a default and is required`,
        )
      }
    }
    for (const name of [
      '/v1/conversations/{conv}/events limit',
      '/v1/conversations/{conv}/events direction',
      '/v1/search mode',
      '/v1/search limit',
      '/v1/admin/search limit',
      '/v1/admin/analytics/busiest-conversations limit',
    ]) {
      assert.ok(defaulted.includes(name), `${name} lost its default`)
    }
  })

  test('PATCH /v1/groups/{conv}: the document states the rule the server applies, and the error names the body', async () => {
    const patch = operations.find((op) => op.method === 'PATCH' && op.path === '/v1/groups/{conv}')!
    const schema = patch.requestBody!.content['application/json']!.schema
    assert.equal(schema.minProperties, 2, 'the document says: id and at least one field to change')
    const r = await inject('PATCH', '/v1/groups/g_input', user, JSON.stringify({ id: 'only-id' }))
    assert.equal(r.statusCode, 400, r.body)
    const [error] = r.json().error.details.errors
    assert.equal(error.field, '/body', 'a field of the HTTP request, not of the command inside it')
    assert.match(error.message, /^the body must have at least 2 fields/)
  })
})
