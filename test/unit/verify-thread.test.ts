import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { VerifyingThread } from '../../ops/cli/verify-thread.js'
import { chainedExport } from '../helpers/chained-export.js'

/**
 * `export --verify` hands the export's bytes, as the log gives them, to a
 * second thread that verifies them: the chunks fall anywhere in the lines, and
 * the log's head seq counts even when the bytes end before it.
 */
describe('the verifying thread of export --verify', () => {
  const conv = 'g_beside'
  const { lines, lastHash: prev } = chainedExport(conv, 5_000, (seq) => `${'路线图'.repeat(seq % 13)} ${seq}`)
  const headLine = JSON.stringify({ audit: 'head', conv, seq: 5_000, hash: prev })

  /** Feeds the bytes in pieces of an odd size (cutting lines and characters), many more than the thread takes in at once. */
  const verified = async (of: string[], head: number) => {
    const bytes = Buffer.from(`${of.join('\n')}\n`)
    const thread = new VerifyingThread(conv, head)
    for (let at = 0; at < bytes.length; at += 4_099) await thread.feed(bytes.subarray(at, at + 4_099))
    return thread.finish()
  }

  test('a clean export verifies, whatever the chunk edges cut', async () => {
    const v = await verified([...lines, headLine], 5_000)
    assert.equal(v.ok, true, JSON.stringify(v.firstBad))
    assert.equal(v.conversations[0]!.events, 5_000)
    assert.equal(v.conversations[0]!.chain.headHash, prev)
  })

  test('a changed byte is found, with its seq and line', async () => {
    const tampered = [...lines, headLine]
    tampered[2_999] = tampered[2_999]!.replace('"text":"', '"text":"X')
    const v = await verified(tampered, 5_000)
    assert.equal(v.ok, false)
    assert.deepEqual([v.firstBad?.seq, v.firstBad?.line], [3_000, 3_000], JSON.stringify(v.firstBad))
  })

  test("seqs missing at the end count against the log's head, with no head line in the bytes", async () => {
    const v = await verified(lines.slice(0, 4_998), 5_000)
    assert.equal(v.ok, false)
    assert.deepEqual(v.conversations[0]!.gaps, [4_999, 5_000])
    assert.equal(v.firstBad?.seq, 4_999)
  })
})
