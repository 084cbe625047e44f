// docs/configuration.md documents every setting: each environment variable of the Config
// schema has a row in its table, and the table names no variable the schema does not have.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { CONFIG_ENV } from '../../schemas/index.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** The variables named in the first column of the settings table (a row may name two). */
function documented(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8')
  const table = doc.slice(doc.indexOf('| variable | default | meaning |'), doc.indexOf('\n\n', doc.indexOf('| variable | default | meaning |')))
  const names = new Set<string>()
  for (const row of table.split('\n').slice(2)) {
    const first = row.split('|')[1] ?? ''
    for (const m of first.matchAll(/`(SEQLINE_[A-Z_]+)`/g)) names.add(m[1]!)
  }
  return names
}

test("docs/configuration.md's table lists exactly the Config schema's environment variables", () => {
  const names = documented()
  assert.ok(names.size > 20, `found only ${names.size} variables: the table was not found`)
  assert.deepEqual([...names].sort(), Object.values(CONFIG_ENV).sort())
})
