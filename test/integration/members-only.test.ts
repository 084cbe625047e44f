import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { COMMAND_ROUTES } from '../../api/routes/commands.js'
import type { CommandType, SeqlineEvent, ServerFrame } from '../../schemas/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { barrier, TestSocket, wsUrl } from '../helpers/ws.js'

/*
 * "Only members write to a conversation's log", over REST and WebSocket, and
 * "a private event reaches only its actor": a user's delete-for-me is theirs,
 * on every device of theirs, and nobody else's — live, on sync, in range reads,
 * in the user export and in the inbox.
 */

const conv = 'g_private'
/** Every command's data as a former member would send it: schema-valid, so only the rules can refuse it. */
const DATA: Partial<Record<CommandType, Record<string, unknown>>> = {
  'group.invite': { users: ['zed'] },
  'group.join': {},
  'group.leave': {},
  'group.kick': { user: 'lee' },
  'group.change-role': { user: 'lee', role: 'admin' },
  'group.transfer-ownership': { to: 'lee' },
  'group.update-info': { name: 'taken over' },
  'group.mute': {},
  'group.unmute': {},
  'member.mute': { user: 'lee', seconds: 60 },
  'member.unmute': { user: 'lee' },
  'group.dissolve': {},
  'message.send': { content: { type: 'text', text: 'still here' } },
  'message.edit': { target: 2, content: { type: 'text', text: 'rewritten' } },
  'message.recall': { target: 2 },
  'message.delete-for-me': { targets: [2] },
  'conversation.read': { upTo: 2 },
  'burn.configure': { enabled: true },
  'retention.configure': { days: 30 },
  'notifications.configure': { mode: 'none' },
  'reaction.add': { target: 2, key: '👍' },
  'reaction.remove': { target: 2, key: '👍' },
  'message.pin': { target: 2 },
  'message.unpin': { target: 2 },
}
/** Refusals other than NOT_MEMBER that come first by rule: joining a closed group, burn settings of a group. */
const FIRST_RULE: Partial<Record<CommandType, string>> = { 'group.join': 'JOIN_CLOSED', 'burn.configure': 'BURN_DIRECT_ONLY' }

const isEventAt = (seq: number) => (f: ServerFrame) => f.type === 'event' && f.event.conv === conv && f.event.seq === seq
const seqsOf = (events: Array<{ seq: number }>) => events.map((e) => e.seq)

describe('only members write, and private events reach only their actor', () => {
  const t = withLogServer()
  let s: ApiStack
  const tok: Record<string, string> = {}
  const sockets: TestSocket[] = []

  async function connect(user: string): Promise<TestSocket> {
    const socket = await TestSocket.open(wsUrl(s, tok[user]))
    sockets.push(socket)
    await socket.sync()
    return socket
  }
  const head = async () => (await t.log.head(conv)).seq
  const rest = (user: string, method: string, path: string, body?: unknown) => call(`${s.url}${path}`, method, tok[user]!, body)

  before(async () => {
    s = await startApiStack(t, 'members_only_views')
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      await s.stop()
    })
    for (const u of ['olga', 'kim', 'lee', 'dave', 'eve']) tok[u] = await s.token(u)
    const created = await rest('olga', 'POST', '/v1/groups', { id: 'create', conv, name: 'club', members: ['kim', 'lee', 'dave', 'eve'] })
    assert.equal(created.status, 200, JSON.stringify(created.body))
    // seq 2: dave's own message, which he might want to hide later.
    assert.equal((await rest('dave', 'POST', `/v1/conversations/${conv}/messages`, { id: 'm', content: { type: 'text', text: 'mine' } })).status, 200)
    assert.equal((await rest('olga', 'POST', `/v1/groups/${conv}/members/dave/kick`, { id: 'kick' })).status, 200)
    assert.equal((await rest('eve', 'POST', `/v1/groups/${conv}/leave`, { id: 'leave' })).status, 200)
    await s.settle()
  })

  for (const who of ['dave', 'eve'] as const) {
    const how = who === 'dave' ? 'kicked' : 'departed'

    test(`REST: a ${how} member is refused every write with 403, and the head does not move`, async () => {
      const was = await head()
      for (const route of COMMAND_ROUTES) {
        const data = DATA[route.type]
        assert.ok(data, `no test data for ${route.type}`)
        const fromPath = route.fromPath ?? {}
        const url = route.url.replace(':conv', conv).replace(':seq', String(data.target)).replace(':user', String(data.user))
        const body = Object.fromEntries(Object.entries(data).filter(([k]) => !(k in fromPath)))
        // Sent three times with fresh ids: no number of attempts gets a write through.
        for (let i = 0; i < 3; i++) {
          const r = await rest(who, route.method, url, { id: `${who}-${route.type}-${i}`, ...body })
          const code = FIRST_RULE[route.type] ?? 'NOT_MEMBER'
          assert.deepEqual([r.status, r.body?.error?.code], [403, code], `${route.method} ${url}: ${JSON.stringify(r.body)}`)
        }
      }
      assert.equal(await head(), was)
    })

    test(`WebSocket: a ${how} member is refused every write with NOT_MEMBER, and the head does not move`, async () => {
      const socket = await connect(who)
      const was = await head()
      for (const [type, data] of Object.entries(DATA) as Array<[CommandType, Record<string, unknown>]>) {
        const answer = await socket.command({ type, id: `ws-${who}-${type}`, conv, data })
        assert.equal(answer.type, 'error', `${type}: ${JSON.stringify(answer)}`)
        assert.equal(answer.type === 'error' && answer.error.code, FIRST_RULE[type] ?? 'NOT_MEMBER', type)
      }
      assert.equal(await head(), was)
    })
  }

  test("a member's delete-for-me reaches their other device, never another member: live, sync, reads, export, inbox", async () => {
    const [kimA, kimB, lee] = [await connect('kim'), await connect('kim'), await connect('lee')]

    // Over WebSocket from one of kim's devices, then over REST.
    const ack = await kimA.command({ type: 'message.delete-for-me', id: 'hide-ws', conv, data: { targets: [2] } })
    assert.equal(ack.type, 'ack', JSON.stringify(ack))
    const hiddenWs = ack.type === 'ack' ? ack.seq : -1
    const viaRest = await rest('kim', 'POST', `/v1/conversations/${conv}/delete-for-me`, { id: 'hide-rest', targets: [1, 2] })
    assert.equal(viaRest.status, 200, JSON.stringify(viaRest.body))
    const hiddenRest: number = viaRest.body.seq
    const hidden = [hiddenWs, hiddenRest]

    for (const seq of hidden) {
      const got = await kimB.next(isEventAt(seq))
      assert.equal(got.type === 'event' && got.event.type, 'message.deleted_for_me', "kim's other device gets the hide")
    }

    // A public event after both: once lee has it, lee would have had the hides before it, had they been sent.
    const after = await rest('olga', 'POST', `/v1/conversations/${conv}/messages`, { id: 'after', content: { type: 'text', text: 'after' } })
    assert.equal(after.status, 200)
    await lee.next(isEventAt(after.body.seq))
    await barrier(lee)
    assert.deepEqual(
      lee.events(conv).filter((e) => hidden.includes(e.seq)),
      [],
      "kim's hides did not reach lee live",
    )
    const holes = lee.frames.flatMap((f) => (f.type === 'erased' && f.conv === conv ? f.seqs : []))
    assert.deepEqual(holes, hidden, 'lee is told the seqs are holes to skip, and nothing more')

    // Sync on a fresh connection: lee gets the public events, and the hides only as holes; kim gets the hides.
    const leeAgain = await connect('lee')
    assert.deepEqual(
      seqsOf(leeAgain.events(conv)).filter((q) => hidden.includes(q)),
      [],
    )
    assert.ok(
      leeAgain.events(conv).some((e) => e.seq === after.body.seq),
      'the sync served the public event',
    )
    assert.deepEqual(
      leeAgain.frames.flatMap((f) => (f.type === 'erased' && f.conv === conv ? f.seqs : [])),
      hidden,
    )
    const kimAgain = await connect('kim')
    assert.deepEqual(
      kimAgain
        .events(conv)
        .filter((e) => hidden.includes(e.seq))
        .map((e) => e.type),
      ['message.deleted_for_me', 'message.deleted_for_me'],
    )

    // Range reads and the user export.
    const leePage = (await rest('lee', 'GET', `/v1/conversations/${conv}/events?from=1&limit=100`)).body
    assert.deepEqual(
      seqsOf(leePage.events as SeqlineEvent[]).filter((q) => hidden.includes(q)),
      [],
    )
    assert.ok(seqsOf(leePage.events as SeqlineEvent[]).includes(after.body.seq))
    assert.deepEqual(leePage.erased, hidden)
    const kimPage = (await rest('kim', 'GET', `/v1/conversations/${conv}/events?from=1&limit=100`)).body
    assert.deepEqual(
      seqsOf(kimPage.events as SeqlineEvent[]).filter((q) => hidden.includes(q)),
      hidden,
    )
    const exported = (who: string) =>
      rest(who, 'GET', `/v1/conversations/${conv}/export`).then((r) =>
        String(r.body)
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as SeqlineEvent),
      )
    const leeExport = await exported('lee')
    assert.deepEqual(
      seqsOf(leeExport).filter((q) => hidden.includes(q)),
      [],
    )
    assert.ok(seqsOf(leeExport).includes(after.body.seq))
    assert.deepEqual(
      seqsOf(await exported('kim')).filter((q) => hidden.includes(q)),
      hidden,
    )

    // The inbox: a hide changes kim's row (so kim's devices pull it), not lee's.
    await s.settle()
    const leeBefore = await inboxRow('lee')
    const late = await rest('kim', 'POST', `/v1/conversations/${conv}/delete-for-me`, { id: 'hide-late', targets: [after.body.seq] })
    assert.equal(late.status, 200)
    await s.settle()
    assert.ok((await inboxRow('kim')).changedAt >= late.body.event.at, "kim's row shows the change to kim's devices")
    assert.ok(late.body.event.at > leeBefore.changedAt, 'the hide is later than anything lee saw change')
    assert.equal((await inboxRow('lee')).changedAt, leeBefore.changedAt, "lee's row did not change with kim's hide")
  })

  test("a former member's inbox row stays as it was at the leave: no later rename, mute or dissolution reaches it", async () => {
    for (const [type, data] of [
      ['group.update-info', { name: 'renamed' }],
      ['group.mute', {}],
      ['group.dissolve', {}],
    ] as const) {
      const r = await t.handler.execute({ type, id: `late-${type}`, conv, actor: 'olga', data })
      assert.ok(r.ok, JSON.stringify(r))
    }
    await s.settle()
    // The control: a current member's row shows every change.
    const kim = await inboxRow('kim')
    assert.deepEqual([kim.name, kim.groupMuted, kim.dissolved], ['renamed', true, true])
    for (const who of ['dave', 'eve']) {
      const row = await inboxRow(who)
      assert.deepEqual([row.name, row.groupMuted, row.dissolved], ['club', false, false], who)
    }
  })

  interface Row {
    conv: string
    changedAt: number
    maxSeq: number
    name?: string
    groupMuted: boolean
    dissolved: boolean
  }
  async function inboxRow(user: string): Promise<Row> {
    const rows = (await rest(user, 'GET', '/v1/inbox')).body as Row[]
    const row = rows.find((r) => r.conv === conv)
    assert.ok(row, `${user} has the conversation in the inbox`)
    return row
  }
})
