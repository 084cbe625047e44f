// The error table (schemas/error-codes.ts) is the one list of codes: every code the code base
// can answer with is in it with its status, the table in docs/errors.md says the same, and so
// does the OpenAPI document's error schema.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { REFUSALS } from '../../core/domain/index.js'
import { ERROR_CODE_NAMES, ERROR_CODES, type ErrorCode } from '../../schemas/error-codes.js'
import { ErrorBody } from '../../schemas/index.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
// What the server runs; the TypeScript client (client/, its own workspace) has codes of its own for what it sees on its side.
const SERVER_DIRS = ['api', 'core', 'projections', 'schemas', 'ops', 'integrations']
const NOT_SERVER = [join('ops', 'bench')]
const table = ERROR_CODES as Record<string, { status: number; retry: string; meaning: string }>

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (NOT_SERVER.includes(path)) return []
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

/** Every `new ApiError(status, code, ...)` of the server's code, as written. */
function constructions(): Array<{ where: string; status: string; code: string }> {
  const out = []
  for (const file of SERVER_DIRS.flatMap(sources)) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const m of text.matchAll(/new ApiError\(\s*([^,]+?)\s*,\s*([^,]+?)\s*,/g)) {
      const line = text.slice(0, m.index).split('\n').length
      out.push({ where: `${relative(ROOT, join(ROOT, file))}:${line}`, status: m[1]!, code: m[2]! })
    }
  }
  return out
}

describe('error codes', () => {
  test('every code the server constructs is in the table, with the status the table gives', () => {
    const found = constructions()
    assert.ok(found.length > 30, `found only ${found.length} constructions: the scan is broken`)
    for (const { where, status, code } of found) {
      const literal = /^'([A-Z_]+)'$/.exec(code)
      if (!literal) {
        // The one code that is not written out: a refusal of the domain, covered by the next test.
        assert.match(code, /^result\.refusal\.code$/, `${where}: the code ${code} is not a literal; the test cannot check it`)
        continue
      }
      const name = literal[1]!
      assert.ok(name in table, `${where}: ${name} is not in schemas/error-codes.ts`)
      // BAD_REQUEST carries the framework's own 4xx status.
      if (/^\d+$/.test(status))
        assert.equal(Number(status), table[name]!.status, `${where}: ${name} is sent with ${status}, the table says ${table[name]!.status}`)
      else assert.ok(name === 'BAD_REQUEST' || status.includes('ERROR_CODES'), `${where}: ${name} has a computed status ${status}`)
    }
  })

  test('every refusal of the domain is in the table', () => {
    for (const code of Object.keys(REFUSALS)) assert.ok(code in table, `${code} (core/domain/refusal.ts) is not in the table`)
  })

  test('statuses are client or server errors, and retry is stated for each', () => {
    for (const code of ERROR_CODE_NAMES) {
      const { status, retry } = ERROR_CODES[code]
      assert.ok(status >= 400 && status < 600, `${code}: ${status}`)
      assert.ok(retry.length > 0)
      assert.ok(
        status < 500 ? retry === 'no' || code === 'RATE_LIMITED' || code === 'REQUEST_TIMEOUT' : true,
        `${code}: a client error is not retried as it is`,
      )
    }
  })

  test("docs/errors.md's table lists exactly the table's codes, statuses, retry and meaning", () => {
    const doc = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8')
    const rows = new Map<string, string>()
    for (const m of doc.matchAll(/^\| `([A-Z_]+)` \| (\d+) \| ([^|]+) \| (.+) \|$/gm)) {
      assert.ok(!rows.has(m[1]!), `${m[1]} is listed twice in docs/errors.md`)
      rows.set(m[1]!, `${m[2]} | ${m[3]!.trim()} | ${m[4]!.trim()}`)
    }
    const expected = new Map(ERROR_CODE_NAMES.map((c: ErrorCode) => [c, `${ERROR_CODES[c].status} | ${ERROR_CODES[c].retry} | ${ERROR_CODES[c].meaning}`]))
    assert.deepEqual([...rows.keys()].sort(), [...expected.keys()].sort(), 'docs/errors.md lists other codes than schemas/error-codes.ts')
    for (const [code, row] of expected) assert.equal(rows.get(code), row, `docs/errors.md's row of ${code}`)
  })

  test("the OpenAPI document's error schema enumerates the table's codes", () => {
    const code = ErrorBody.properties.error.properties.code as unknown as { enum: string[] }
    assert.deepEqual([...code.enum].sort(), [...ERROR_CODE_NAMES].sort())
  })
})
