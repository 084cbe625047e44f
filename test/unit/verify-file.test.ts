import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { verifyFile } from '../../ops/cli/index.js'
import { chainedExport } from '../helpers/chained-export.js'

/** verifyFile reads in chunks of 4 MiB: a file several chunks long has lines cut by every chunk's edge. */
const CHUNK = 4 << 20

describe('seqline verify reads a file of several chunks', () => {
  let dir: string
  const conv = 'g_chunks'
  const lines: string[] = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'seqline-verify-file-'))
    // Texts of varied lengths, CJK among them, so the chunk edges fall inside lines and inside multi-byte characters.
    const made = chainedExport(conv, 20_000, (seq) => `${'路线图'.repeat(seq % 37)} ${'x'.repeat(seq % 401)} ${seq}`)
    lines.push(...made.lines, JSON.stringify({ audit: 'head', conv, seq: 20_000, hash: made.lastHash }))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  const fileOf = async (name: string, of: string[]) => {
    const file = join(dir, name)
    await writeFile(file, `${of.join('\n')}\n`)
    return file
  }

  test('the whole file verifies, however its lines fall across chunks', async () => {
    const file = await fileOf('clean.ndjson', lines)
    assert.ok(Buffer.byteLength(`${lines.join('\n')}\n`) > 2 * CHUNK, 'the file spans at least three chunks')
    const v = await verifyFile(file)
    assert.equal(v.ok, true, JSON.stringify(v.firstBad))
    assert.equal(v.conversations[0]!.events, 20_000)
  })

  test('a byte changed in the line cut by a chunk edge is found, with its seq and line', async () => {
    let offset = 0
    const cut = lines.findIndex((line) => {
      const end = offset + Buffer.byteLength(line) + 1
      const straddles = offset < CHUNK && end > CHUNK
      offset = end
      return straddles
    })
    assert.ok(cut > 0, 'a line crosses the first chunk edge')
    const tampered = [...lines]
    tampered[cut] = tampered[cut]!.replace(`"m${cut + 1}"`, `"n${cut + 1}"`)
    assert.notEqual(tampered[cut], lines[cut])
    const v = await verifyFile(await fileOf('tampered.ndjson', tampered))
    assert.equal(v.ok, false)
    assert.equal(v.firstBad?.seq, cut + 1)
    assert.equal(v.firstBad?.line, cut + 1)
  })
})
