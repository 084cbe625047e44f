import assert from 'node:assert/strict'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { headers as natsHeaders } from '@nats-io/transport-node'
import { eventHash, SEQ_HEADER, subjectOf } from '../../core/log/index.js'
import { describeFileVerification, describeVerification, exportEvents, verifyFile } from '../../ops/cli/index.js'
import { eraseMessage } from '../../projections/conversations/erase.js'
import { EVENT_VERSION, type SeqlineEvent, SYSTEM_ACTOR } from '../../schemas/index.js'
import { seqline } from '../helpers/cli.js'
import { accepted, readAll, TEST_PARTITIONS, text, withLogServer } from '../helpers/log.js'

/**
 * The hash chain end to end: exports written by `seqline export` and checked
 * by `seqline verify` with no server in its environment, and `export --verify`
 * against the live log.
 */
describe('tamper-evident audits: the hash chain, in the log and in exported files', () => {
  const t = withLogServer()
  let env: Record<string, string>
  let dir: string
  const conv = 'g_ledger'
  /** The clean export of g_ledger, line by line. */
  let clean: string[]

  /** What `seqline export --conv c --out file [--verify]` does, in this process (each CLI start-up costs seconds); the live checks below run the CLI itself. */
  const exportOf = async (c: string, name: string) => {
    const out = join(dir, name)
    await exportEvents(t.log, { conv: c, format: 'ndjson', out, verify: false })
    return (await readFile(out, 'utf8')).trimEnd().split('\n')
  }
  const liveVerify = async (c: string) => {
    const v = await exportEvents(t.log, { conv: c, format: 'ndjson', out: join(dir, `${c}-live.ndjson`), verify: true })
    return { code: v?.ok ? 0 : 1, stderr: describeVerification(v!) }
  }
  const fileOf = async (lines: string[]) => {
    const file = join(dir, `check-${Math.random().toString(36).slice(2)}.ndjson`)
    await writeFile(file, `${lines.join('\n')}\n`)
    return file
  }
  /** `seqline verify` as a child process, with no NATS or ClickHouse in its environment. */
  const verifyCli = async (lines: string[], ...args: string[]) => seqline(['verify', await fileOf(lines), ...args], {})
  /** What `seqline verify` does, in this process: the many tampered files below would each cost a CLI start-up. */
  const verify = async (lines: string[], head?: string) => {
    const file = await fileOf(lines)
    const v = await verifyFile(file, head)
    return { code: v.ok ? 0 : 1, stderr: describeFileVerification(file, v) }
  }
  /** The index in `lines` of the event (or erased record) at seq. */
  const lineOf = (lines: string[], seq: number) =>
    lines.findIndex((l) => {
      const v = JSON.parse(l) as { seq?: number; link?: { seq: number }; audit?: string }
      return v.audit !== 'head' && (v.link?.seq ?? v.seq) === seq
    })
  const firstBad = (stderr: string) => /first bad \S+ seq (\d+)(?: \(line (\d+)\))?/.exec(stderr)

  before(async () => {
    env = { SEQLINE_NATS_URL: t.nats.url, SEQLINE_PARTITIONS: String(TEST_PARTITIONS) }
    dir = await mkdtemp(join(tmpdir(), 'seqline-chain-'))
    // 1 created · 2..11 messages · 12 edit of 3 · 13 recall of 3 with erase (erases 3 and 12) · 14..16 messages.
    await accepted(t.handler, { type: 'group.create', id: 'create', conv, actor: 'ann', data: { name: 'ledger', members: ['ben'] } })
    for (let i = 0; i < 10; i++) await accepted(t.handler, text(`m${i}`, conv, i % 2 ? 'ann' : 'ben', `entry ${i}`))
    await accepted(t.handler, {
      type: 'message.edit',
      id: 'edit',
      conv,
      actor: 'ann',
      data: { target: 3, content: { type: 'text', text: 'the secret amount' } },
    })
    const recall = await accepted(t.handler, { type: 'message.recall', id: 'recall', conv, actor: 'ann', data: { target: 3, erase: true } })
    assert.equal(recall.seq, 13)
    assert.equal(await eraseMessage(t.log, conv, 3, [12]), 2)
    for (let i = 10; i < 13; i++) await accepted(t.handler, text(`m${i}`, conv, 'ben', `entry ${i}`))
    clean = await exportOf(conv, 'ledger.ndjson')
  })

  test('a clean export after an erasing recall and a burn verifies offline, and holds no erased text or salt', async () => {
    const ok = await verifyCli(clean)
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stderr, /g_ledger: head 16, 14 events stored, 1 tombstone\(s\), 2 erased seq\(s\)/)
    assert.match(ok.stderr, /verified: seq is dense and the hash chain holds/)
    const erased = clean.filter((l) => l.includes('"audit":"erased"')).map((l) => JSON.parse(l))
    assert.deepEqual(
      erased.map((e) => e.link.seq),
      [3, 12],
    )
    for (const e of erased) assert.deepEqual([e.link.chain.salt, Object.keys(e.link.data.content)], [undefined, ['commitment']])
    assert.doesNotMatch(clean.join('\n'), /the secret amount|entry 1"/)
    assert.deepEqual(JSON.parse(clean.at(-1)!), { audit: 'head', conv, seq: 16, hash: eventHash((await t.log.last(conv))!.event) })

    // A burn in a direct conversation, erased by the same path.
    const dm = 'd~ann~ben'
    await accepted(t.handler, { type: 'conversation.create-direct', id: 'open', conv: dm, actor: 'ann', data: { peer: 'ben' } })
    await accepted(t.handler, { type: 'burn.configure', id: 'burn', conv: dm, actor: 'ann', data: { enabled: true, seconds: 1 } })
    const secret = await accepted(t.handler, text('secret', dm, 'ann', 'burn this'))
    await accepted(t.handler, text('after', dm, 'ben'))
    await accepted(t.handler, { type: 'message.burn', id: 'burn-it', conv: dm, actor: SYSTEM_ACTOR, data: { target: secret.seq } })
    await eraseMessage(t.log, dm, secret.seq, [])
    const burned = await exportOf(dm, 'dm.ndjson')
    const dmOk = await verify(burned)
    assert.equal(dmOk.code, 0, dmOk.stderr)
    assert.match(dmOk.stderr, /tombstone at 5: burned 3/)
    assert.doesNotMatch(burned.join('\n'), /burn this/)
  })

  test('one byte changed in an event is detected, naming its seq and line', async () => {
    const at = lineOf(clean, 7)
    const flipped = [...clean]
    flipped[at] = flipped[at]!.replace('entry 5', 'entry 6')
    assert.notEqual(flipped[at], clean[at])
    const r = await verifyCli(flipped)
    assert.equal(r.code, 1, r.stderr)
    assert.deepEqual(firstBad(r.stderr)?.slice(1), ['7', String(at + 1)], r.stderr)
    // A byte of the chain field itself: the event's prev no longer names its predecessor, and its own hash changed.
    const prevFlipped = [...clean]
    prevFlipped[at] = prevFlipped[at]!.replace(/"prev":"(.)/, (_, c: string) => `"prev":"${c === 'a' ? 'b' : 'a'}`)
    const p = await verify(prevFlipped)
    assert.deepEqual(firstBad(p.stderr)?.slice(1), ['7', String(at + 1)], p.stderr)
  })

  test('a changed last event is caught by the head line, and a rewritten head line by the head hash published elsewhere', async () => {
    const last = lineOf(clean, 16)
    const changed = [...clean]
    changed[last] = changed[last]!.replace('entry 12', 'entry 99')
    const r = await verify(changed)
    assert.deepEqual([r.code, firstBad(r.stderr)?.[1]], [1, '16'], r.stderr)
    // Drop the last event and rewrite the head line to match what remains: only the published head hash tells.
    const published = (JSON.parse(clean.at(-1)!) as { hash: string }).hash
    const cut = clean.slice(0, last)
    const newHead = { audit: 'head', conv, seq: 15, hash: eventHash(JSON.parse(cut.at(-1)!) as SeqlineEvent) }
    const truncated = [...cut, JSON.stringify(newHead)]
    assert.equal((await verify(truncated)).code, 0, 'a consistent rewrite of the tail passes without an outside anchor')
    const anchored = await verifyCli(truncated, '--head', published)
    assert.equal(anchored.code, 1, anchored.stderr)
    assert.match(anchored.stderr, new RegExp(`is not the published ${published}`))
    assert.equal((await verify(clean, published)).code, 0)
  })

  test('one dropped line is detected, naming its seq; so is a dropped erased record', async () => {
    const at = lineOf(clean, 9)
    const r = await verify(clean.filter((_, i) => i !== at))
    assert.equal(r.code, 1, r.stderr)
    assert.equal(firstBad(r.stderr)?.[1], '9', r.stderr)
    // The record of an erased seq is what the chain crosses the hole with: without it the link breaks there.
    const record = lineOf(clean, 12)
    const noRecord = await verify(clean.filter((_, i) => i !== record))
    assert.equal(noRecord.code, 1, noRecord.stderr)
    assert.equal(firstBad(noRecord.stderr)?.[1], '12', noRecord.stderr)
  })

  test('two swapped lines are detected, naming the first of them', async () => {
    const at = lineOf(clean, 5)
    const swapped = [...clean]
    ;[swapped[at], swapped[at + 1]] = [swapped[at + 1]!, swapped[at]!]
    const r = await verify(swapped)
    assert.equal(r.code, 1, r.stderr)
    assert.equal(firstBad(r.stderr)?.[1], '5', r.stderr)
  })

  test('export --verify on the live log catches an event re-published changed through raw JetStream', async () => {
    const victim = 'g_tamper'
    await accepted(t.handler, { type: 'group.create', id: 'create', conv: victim, actor: 'ann', data: { name: 'tamper', members: ['ben'] } })
    for (let i = 0; i < 6; i++) await accepted(t.handler, text(`m${i}`, victim, 'ann', `amount ${i}`))
    const good = await liveVerify(victim)
    assert.equal(good.code, 0, good.stderr)
    // Rewrite from seq 4 on with raw JetStream, as someone with access to the server could:
    // delete the stored events, publish seq 4 changed and the rest as they were.
    const stored = (await readAll(t.log, victim)).filter((s) => s.event.seq >= 4)
    for (const s of stored) assert.ok(await t.log.erase(victim, s.streamSeq))
    for (const { event } of stored) {
      const body = event.seq === 4 ? { ...event, data: { content: { type: 'text', text: 'amount 400' } } } : event
      const h = natsHeaders()
      h.set(SEQ_HEADER, String(event.seq))
      await t.log.publishRaw(subjectOf(t.log.names, victim), new TextEncoder().encode(JSON.stringify(body)), h)
    }
    const bad = await seqline(['export', '--conv', victim, '--verify', '--out', join(dir, 'tampered.ndjson')], env)
    assert.equal(bad.code, 1, bad.stderr)
    // The export's bytes are verified as they are written, so the bad seq is named with its line in the written file.
    assert.match(bad.stderr, /first bad seq: 4 \(line 4\): its hash is not the prev that seq 5 names/)

    // A stored event deleted with no tombstone: a gap, and the chain cannot cross it.
    const [gone] = await t.log.read(victim, { from: 2, limit: 1 })
    await t.log.erase(victim, gone!.streamSeq)
    const holed = await seqline(['export', '--conv', victim, '--verify', '--out', join(dir, 'holed.ndjson')], env)
    assert.equal(holed.code, 1, holed.stderr)
    assert.match(holed.stderr, /GAP: seqs missing with no tombstone: 2\n/)
    assert.match(holed.stderr, /CHAIN BROKEN at seq 2: neither the event nor its erased record is there/)
    assert.match(holed.stderr, /first bad seq: 2/)
  })

  test('events written before the chain existed are reported as pre-chain; the chain starts after them', async () => {
    const old = 'g_old'
    // As Seqline wrote events before the chain: no chain field.
    const base = { conv: old, at: Date.now(), actor: 'ann' }
    const legacy: SeqlineEvent[] = [
      {
        ...base,
        id: 'AAAAAAAAAAAAAAAAAAAAA1',
        type: 'conversation.created',
        seq: 1,
        v: EVENT_VERSION['conversation.created'],
        cmd: 'create',
        data: {
          kind: 'group',
          name: 'old',
          joinable: false,
          members: [
            { user: 'ann', role: 'owner' },
            { user: 'ben', role: 'member' },
          ],
        },
      },
      {
        ...base,
        id: 'AAAAAAAAAAAAAAAAAAAAA2',
        type: 'message.sent',
        seq: 2,
        v: EVENT_VERSION['message.sent'],
        cmd: 'old-1',
        data: { content: { type: 'text', text: 'before the chain' } },
      },
    ]
    let head = { seq: 0, streamSeq: 0 }
    for (const e of legacy) {
      const r = await t.log.append(e, head, `${old}/ann/${e.cmd}`)
      assert.equal(r.status, 'appended')
      head = { seq: e.seq, streamSeq: (r as { streamSeq: number }).streamSeq }
    }
    await accepted(t.handler, text('new-1', old, 'ben', 'after the chain'))
    await accepted(t.handler, text('new-2', old, 'ann'))
    const live = await liveVerify(old)
    assert.equal(live.code, 0, live.stderr)
    assert.match(live.stderr, /pre-chain: 2 event\(s\) written before the hash chain existed/)
    assert.match(live.stderr, /chain: 2 link\(s\) from seq 3/)
    const lines = (await readFile(join(dir, `${old}-live.ndjson`), 'utf8')).trimEnd().split('\n')
    assert.equal((JSON.parse(lines[2]!) as SeqlineEvent).chain?.prev, eventHash(legacy[1]!), 'the first link names the last pre-chain event')
    const offline = await verify(lines)
    assert.equal(offline.code, 0, offline.stderr)
    // A pre-chain event changed is still caught by the first link, which names it.
    const changed = [...lines]
    changed[1] = changed[1]!.replace('before the chain', 'before the chain!')
    assert.equal(firstBad((await verify(changed)).stderr)?.[1], '2')
  })
})
