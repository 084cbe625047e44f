import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderClientTypes } from '../schemas/index.js'

// Writes the client package's types from the schemas (npm run client:types); the unit test client-types says when it is due.
const target = fileURLToPath(new URL('../../client/src/schema.ts', import.meta.url))
writeFileSync(target, renderClientTypes())
console.log(`wrote ${target}`)
