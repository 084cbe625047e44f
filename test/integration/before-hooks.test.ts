// Before-hooks end to end: real HTTP receivers on loopback (node:http), a real nats-server, the
// API over REST and WebSocket, and a second API process following the same hooks bucket.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { before, describe, test } from 'node:test'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { until } from '../../core/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { HookReceiver, type HookReply } from '../helpers/hook-receiver.js'
import { accepted, readAll, text, withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const SECRET = 'hook-secret-0123456789'
const message = (id: string, body: string) => ({ id, content: { type: 'text', text: body } })
const textOf = (event: any): string => event?.data?.content?.text

/** A port nothing listens on: bound, then closed, so a call there is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('before-hooks: refuse, rewrite, fail as configured, everywhere within seconds', () => {
  const t = withLogServer()
  let s: ApiStack
  let receiver: HookReceiver
  const sockets: TestSocket[] = []
  const tok: Record<string, string> = {}
  const admin = (method: string, path: string, body?: unknown) => call(`${s.url}/v1/admin/hooks${path}`, method, s.serviceToken, body)
  const send = (user: string, conv: string, id: string, body: string, url = s.url) =>
    call(`${url}/v1/conversations/${conv}/messages`, 'POST', tok[user]!, message(id, body))
  const head = async (conv: string) => (await t.log.head(conv)).seq
  const putHook = async (name: string, settings: Record<string, unknown>) => {
    const r = await admin('PUT', `/${name}`, {
      url: receiver.url(),
      commands: ['message.send'],
      timeoutMs: 1000,
      onFailure: 'reject',
      secret: SECRET,
      ...settings,
    })
    assert.ok(r.status === 200 || r.status === 201, JSON.stringify(r.body))
    return r
  }
  const removeHooks = async () => {
    for (const hook of (await admin('GET', '')).body.hooks) assert.equal((await admin('DELETE', `/${hook.name}`)).status, 200)
  }
  /** Hooks apply through the KV watch: wait until this process has the change (it takes milliseconds here). */
  const inForce = async (conv: string, user: string, rejected: boolean) =>
    until(
      async () => {
        const probe = await send(user, conv, `probe-${Math.random()}`, 'probe bannedword')
        return (probe.status === 403) === rejected ? true : undefined
      },
      { timeoutMs: 5000, everyMs: 20, timedOut: () => new Error(`hooks not ${rejected ? 'in force' : 'gone'} after 5 s`) },
    )
  const group = async (conv: string, members = ['bo', 'cy']) => {
    const r = await call(`${s.url}/v1/groups`, 'POST', tok.amy!, { id: `create-${conv}`, name: conv, members })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    return r.body.conv as string
  }
  const open = async (user: string) => {
    const socket = await TestSocket.open(wsUrl(s, tok[user]))
    sockets.push(socket)
    return socket
  }

  /** The moderation a platform would run: a banned word refused, a mild one rewritten, the rest allowed. */
  const moderate = (c: { body: any }) => {
    const said: string = c.body.data.content?.text ?? ''
    if (said.includes('bannedword')) return { json: { action: 'reject', code: 'BANNED_WORD', message: 'that word is not allowed here' } }
    if (said.includes('darn')) return { json: { action: 'modify', data: { ...c.body.data, content: { type: 'text', text: said.replaceAll('darn', '****') } } } }
    return { json: { action: 'allow' } }
  }

  before(async () => {
    s = await startApiStack(t, 'hooks_views')
    receiver = await HookReceiver.start(SECRET)
    for (const u of ['amy', 'bo', 'cy']) tok[u] = await s.token(u)
    t.defer(async () => {
      for (const socket of sockets) await socket.close()
      receiver.close()
      await s.stop()
    })
  })

  test('the admin API stores hooks, never shows a secret, and refuses bad settings naming the field', async () => {
    const created = await putHook('moderation', { order: 5 })
    assert.equal(created.status, 201)
    assert.equal(created.body.secret, undefined)
    const replaced = await putHook('moderation', { order: 5, timeoutMs: 700 })
    assert.deepEqual([replaced.status, replaced.body.timeoutMs, replaced.body.createdAt], [200, 700, created.body.createdAt])
    await putHook('audit', { order: 1, onFailure: 'allow', commands: ['message.send', 'message.edit'] })
    const one = await admin('GET', '/moderation')
    assert.deepEqual(Object.keys(one.body).sort(), ['commands', 'createdAt', 'name', 'onFailure', 'order', 'timeoutMs', 'updatedAt', 'url'])
    const list = await admin('GET', '')
    assert.deepEqual(
      list.body.hooks.map((h: any) => h.name),
      ['audit', 'moderation'],
      'listed in the order they run',
    )
    assert.ok(!JSON.stringify(list.body).includes(SECRET))
    const bad = [
      [{ url: 'ftp://files.example/x' }, '/body/url'],
      [{ commands: ['message.shout'] }, '/body/commands/0'],
      [{ commands: [] }, '/body/commands'],
      [{ onFailure: 'maybe' }, '/body/onFailure'],
      [{ timeoutMs: 60_000 }, '/body/timeoutMs'],
      [{ secret: 'short' }, '/body/secret'],
      [{ colour: 'red' }, '/body/colour'],
    ] as const
    for (const [change, field] of bad) {
      const r = await admin('PUT', '/moderation', { url: receiver.url(), commands: ['message.send'], onFailure: 'reject', secret: SECRET, ...change })
      assert.equal(r.status, 400, JSON.stringify(change))
      assert.equal(r.body.error.code, 'VALIDATION_FAILED')
      assert.deepEqual(
        r.body.error.details.errors.map((e: any) => e.field),
        [field],
        JSON.stringify(r.body),
      )
    }
    const badName = await admin('PUT', '/no.dots', { url: receiver.url(), commands: ['message.send'], onFailure: 'reject', secret: SECRET })
    assert.deepEqual([badName.status, badName.body.error.details.errors[0].field], [400, '/params/name'])
    const asUser = await call(`${s.url}/v1/admin/hooks`, 'GET', tok.amy!)
    assert.equal(asUser.status, 401)
    assert.equal((await admin('DELETE', '/audit')).status, 200)
    const gone = await admin('GET', '/audit')
    assert.deepEqual([gone.status, gone.body.error.code], [404, 'HOOK_NOT_FOUND'])
    assert.equal((await admin('DELETE', '/audit')).body.error.code, 'HOOK_NOT_FOUND')
    await removeHooks()
  })

  test('REST: a banned word is refused with the hook code and nothing is stored; a rewrite is stored and answered', async () => {
    const g = await group('g_rest')
    receiver.answer = moderate
    await putHook('moderation', {})
    await inForce(g, 'amy', true)
    const before = await head(g)
    const refused = await send('amy', g, 'ban-1', 'you bannedword')
    assert.equal(refused.status, 403)
    assert.deepEqual(refused.body.error, {
      code: 'REJECTED_BY_HOOK',
      message: 'that word is not allowed here',
      details: { hook: 'moderation', code: 'BANNED_WORD' },
    })
    assert.equal(await head(g), before, 'nothing appended for a rejection')
    assert.equal((await send('cy', g, 'fine-1', 'all good')).status, 200)
    const rewritten = await send('bo', g, 'darn-1', 'oh darn it')
    assert.equal(rewritten.status, 200, JSON.stringify(rewritten.body))
    assert.equal(textOf(rewritten.body.event), 'oh **** it')
    const stored = (await readAll(t.log, g)).at(-1)!.event
    assert.deepEqual([stored.cmd, textOf(stored)], ['darn-1', 'oh **** it'])
    // What the hook received: the command and its context, signed with the hook's secret.
    const [seen] = receiver.callsFor('darn-1')
    assert.deepEqual(seen!.body, {
      type: 'message.send',
      id: 'darn-1',
      actor: 'bo',
      conv: g,
      data: { content: { type: 'text', text: 'oh darn it' } },
      context: { kind: 'group', members: 3, role: 'member' },
    })
    assert.ok(
      receiver.calls.every((c) => c.signed),
      'every call verifies at the receiver',
    )
    assert.match(String(seen!.headers['seqline-delivery']), /^[0-9a-f-]{36}$/)
    const metrics = await (await fetch(`${s.url}/metrics`)).text()
    assert.match(metrics, /seqline_hook_calls_total\{hook="moderation",outcome="reject"\} [1-9]/)
    assert.match(metrics, /seqline_hook_calls_total\{hook="moderation",outcome="modify"\} 1/)
    assert.match(metrics, /seqline_hook_duration_seconds_count\{hook="moderation",outcome="allow"\} [1-9]/)
    await removeHooks()
  })

  test('WebSocket: the same refusal as an error frame, and the rewrite in the ack-ed event', async () => {
    const g = await group('g_socket')
    receiver.answer = moderate
    await putHook('moderation', {})
    await inForce(g, 'amy', true)
    const bo = await open('bo')
    await bo.sync()
    const before = await head(g)
    const refused = await bo.command({ type: 'message.send', id: 'ws-ban', conv: g, data: { content: { type: 'text', text: 'bannedword!' } } })
    assert.equal(refused.type, 'error')
    assert.deepEqual(refused.type === 'error' && refused.error, {
      code: 'REJECTED_BY_HOOK',
      message: 'that word is not allowed here',
      details: { hook: 'moderation', code: 'BANNED_WORD' },
    })
    assert.equal(await head(g), before)
    const acked = await bo.command({ type: 'message.send', id: 'ws-darn', conv: g, data: { content: { type: 'text', text: 'darn' } } })
    assert.equal(acked.type, 'ack', JSON.stringify(acked))
    const seq = acked.type === 'ack' ? acked.seq : -1
    const delivered = await bo.next((f) => f.type === 'event' && f.event.conv === g && f.event.seq === seq)
    assert.equal(delivered.type === 'event' && textOf(delivered.event), '****')
    assert.equal(textOf((await readAll(t.log, g)).at(-1)!.event), '****')
    await removeHooks()
  })

  test('a retried command id that is stored is answered from the log without asking the hook again', async () => {
    const g = await group('g_retry')
    receiver.answer = moderate
    await putHook('moderation', {})
    await inForce(g, 'amy', true)
    const first = await send('amy', g, 'once', 'darn twice')
    const again = await send('amy', g, 'once', 'darn twice')
    assert.deepEqual([first.status, again.status, again.body.duplicate, again.body.seq], [200, 200, true, first.body.seq])
    assert.equal(textOf(again.body.event), '**** twice', 'the stored (rewritten) event')
    assert.equal(receiver.callsFor('once').length, 1, 'the hook was asked once')
    await removeHooks()
  })

  for (const [onFailure, outcome] of [
    ['allow', 'let through'],
    ['reject', 'refused'],
  ] as const) {
    test(`onFailure ${onFailure}: a hook that is down, too slow or answers garbage has the command ${outcome}, within its timeout`, async () => {
      const g = await group(`g_fail_${onFailure}`)
      const editable = await send('amy', g, `editable-${onFailure}`, 'to be edited')
      const timeoutMs = 300
      await putHook('flaky', { onFailure, timeoutMs })
      await putHook('down', { onFailure, timeoutMs, url: `http://127.0.0.1:${await closedPort()}/hook`, commands: ['message.edit'] })
      const sendOne = (id: string) => () => send('amy', g, `${id}-${onFailure}`, 'hello')
      const edit = () =>
        call(`${s.url}/v1/conversations/${g}/messages/${editable.body.seq}/edit`, 'POST', tok.amy!, {
          id: `edit-${onFailure}`,
          content: { type: 'text', text: 'x' },
        })
      const cases: Array<[string, HookReply, () => Promise<{ status: number; body: any }>]> = [
        ['slow', 'hang', sendOne('slow')],
        ['malformed', { status: 200, raw: 'yes please' }, sendOne('bad')],
        ['invalid rewrite', { json: { action: 'modify', data: { content: { type: 'text' } } } }, sendOne('rewrite')],
        ['status 500', { status: 500, raw: '' }, sendOne('500')],
        ['down', { json: { action: 'allow' } }, edit],
      ]
      // Both hooks in force here before measuring.
      await until(async () => ((await admin('GET', '')).body.hooks.length === 2 ? true : undefined), {
        timeoutMs: 5000,
        everyMs: 20,
        timedOut: () => new Error('hooks not stored'),
      })
      receiver.answer = () => 'hang'
      await until(async () => ((await send('amy', g, `warm-${Math.random()}`, 'w')).status === (onFailure === 'allow' ? 200 : 503) ? true : undefined), {
        timeoutMs: 5000,
        everyMs: 20,
        timedOut: () => new Error('hook not in force'),
      })
      for (const [what, reply, run] of cases) {
        receiver.answer = () => reply
        const before = await head(g)
        const started = performance.now()
        const r = await run()
        const ms = performance.now() - started
        assert.ok(ms < timeoutMs + 500, `${what}: answered after ${Math.round(ms)} ms (timeout ${timeoutMs} ms)`)
        if (onFailure === 'allow') {
          assert.equal(r.status, 200, `${what}: ${JSON.stringify(r.body)}`)
          assert.equal(await head(g), before + 1)
        } else {
          assert.equal(r.status, 503, `${what}: ${JSON.stringify(r.body)}`)
          assert.equal(r.body.error.code, 'HOOK_UNAVAILABLE')
          assert.ok(!r.body.error.message.includes('127.0.0.1'), 'the hook URL stays with the operator')
          assert.equal(await head(g), before, `${what}: nothing appended`)
        }
      }
      await removeHooks()
    })
  }

  test('a slow hook delays only the commands it sees, never another conversation', async () => {
    const slowConv = await group('g_slow')
    const fastConv = await group('g_fast')
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    receiver.answer = async (c) => {
      if (c.body.conv === slowConv && c.body.id === 'held') await held
      return { json: { action: 'allow' } }
    }
    await putHook('moderation', { timeoutMs: 5000 })
    await until(async () => ((await admin('GET', '/moderation')).status === 200 ? true : undefined), {
      timeoutMs: 5000,
      everyMs: 20,
      timedOut: () => new Error('not stored'),
    })
    // The hook is in force once a call reaches the receiver.
    await until(async () => ((await send('amy', fastConv, `warm-${Math.random()}`, 'w')) && receiver.calls.at(-1)?.body.conv === fastConv ? true : undefined), {
      timeoutMs: 5000,
      everyMs: 20,
      timedOut: () => new Error('hook not in force'),
    })
    const slow = send('amy', slowConv, 'held', 'waits for the hook')
    await until(() => (receiver.callsFor('held').length === 1 ? true : undefined), {
      timeoutMs: 5000,
      everyMs: 5,
      timedOut: () => new Error('held call never came'),
    })
    const started = performance.now()
    const other = await send('bo', fastConv, 'meanwhile', 'not held')
    const ms = performance.now() - started
    assert.equal(other.status, 200)
    assert.ok(ms < 1000, `another conversation waited ${Math.round(ms)} ms behind a held hook call`)
    const behind = send('cy', slowConv, 'behind', 'queued behind the held one')
    let behindDone = false
    void behind.then(() => {
      behindDone = true
    })
    const sameConvMeanwhile = await send('bo', fastConv, 'meanwhile-2', 'still not held')
    assert.equal(sameConvMeanwhile.status, 200)
    assert.equal(behindDone, false, 'a command of the held conversation waits its turn')
    release()
    assert.deepEqual([(await slow).status, (await behind).status], [200, 200])
    await removeHooks()
  })

  test('several hooks run in their order, each seeing what the one before let through', async () => {
    const g = await group('g_order')
    const second = await HookReceiver.start(SECRET)
    t.defer(() => second.close())
    receiver.answer = (c) => ({ json: { action: 'modify', data: { content: { type: 'text', text: `${textOf(c.body)} [first]` } } } })
    second.answer = (c) =>
      textOf(c.body).includes('stop')
        ? { json: { action: 'reject', code: 'STOPPED', message: 'stopped by the second hook' } }
        : { json: { action: 'modify', data: { content: { type: 'text', text: `${textOf(c.body)} [second]` } } } }
    // Named against their order, so the order field decides, not the name.
    await putHook('z-first', { order: 1 })
    await putHook('a-second', { order: 2, url: second.url() })
    await until(async () => ((await send('amy', g, `warm-${Math.random()}`, 'w')).body.event?.data.content.text === 'w [first] [second]' ? true : undefined), {
      timeoutMs: 5000,
      everyMs: 20,
      timedOut: () => new Error('both hooks not in force'),
    })
    const r = await send('amy', g, 'ordered', 'hi')
    assert.equal(textOf(r.body.event), 'hi [first] [second]')
    assert.equal(textOf(second.callsFor('ordered')[0]!.body), 'hi [first]', "the second hook saw the first one's rewrite")
    const stopped = await send('amy', g, 'stopped', 'stop')
    assert.deepEqual([stopped.status, stopped.body.error.details], [403, { hook: 'a-second', code: 'STOPPED' }])
    await removeHooks()
    second.close()
  })

  test('a hook set through one process is in force on another within 5 s, and so is its removal', async () => {
    const g = await group('g_elsewhere')
    const other = await s.another()
    receiver.answer = moderate
    const sendThere = (id: string) => send('amy', g, id, 'bannedword', other.url)
    assert.equal((await sendThere('before-put')).status, 200)
    const started = Date.now()
    await putHook('moderation', {})
    const inForceAfter = await until(async () => ((await sendThere(`p-${Math.random()}`)).status === 403 ? Date.now() - started : undefined), {
      timeoutMs: 5000,
      everyMs: 20,
      timedOut: () => new Error('the other process did not apply the hook within 5 s'),
    })
    const removedAt = Date.now()
    await removeHooks()
    const goneAfter = await until(async () => ((await sendThere(`d-${Math.random()}`)).status === 200 ? Date.now() - removedAt : undefined), {
      timeoutMs: 5000,
      everyMs: 20,
      timedOut: () => new Error('the other process did not drop the hook within 5 s'),
    })
    assert.ok(inForceAfter < 5000 && goneAfter < 5000, `${inForceAfter} ms, ${goneAfter} ms`)
  })

  test('after nats-server restarts, a hook set through the admin API is in force on every process within 5 s', async () => {
    const g = await group('g_restart')
    const other = await s.another()
    receiver.answer = moderate
    await t.nats.restart()
    await until(async () => ((await send('amy', g, `up-${Math.random()}`, 'up', other.url)).status === 200 ? true : undefined), {
      timeoutMs: 20_000,
      everyMs: 100,
      timedOut: () => new Error('the API did not write again after the restart'),
    })
    const started = Date.now()
    await putHook('moderation', {})
    for (const url of [s.url, other.url]) {
      await until(async () => ((await send('amy', g, `r-${Math.random()}`, 'bannedword', url)).status === 403 ? true : undefined), {
        timeoutMs: 5000 - (Date.now() - started),
        everyMs: 50,
        timedOut: () => new Error(`${url}: the hook was not in force 5 s after it was set`),
      })
    }
    await removeHooks()
  })

  test('a round lost to another writer decides again without asking the hook again', async () => {
    const g = await group('g_conflict')
    const elsewhere = new CommandHandler(t.log, createDecider())
    receiver.answer = async (c) => {
      // While the hook deliberates, another process writes to the same conversation: the append conflicts.
      if (c.body.id === 'contested') await accepted(elsewhere, text('interloper', g, 'cy'))
      return { json: { action: 'allow' } }
    }
    await putHook('moderation', {})
    await until(async () => ((await send('amy', g, `warm-${Math.random()}`, 'w')) && receiver.calls.at(-1)?.body.conv === g ? true : undefined), {
      timeoutMs: 5000,
      everyMs: 20,
      timedOut: () => new Error('hook not in force'),
    })
    const r = await send('amy', g, 'contested', 'mine')
    assert.equal(r.status, 200, JSON.stringify(r.body))
    const stored = (await readAll(t.log, g)).slice(-2).map((x) => x.event.cmd)
    assert.deepEqual(stored, ['interloper', 'contested'], 'stored after the write that won')
    assert.equal(receiver.callsFor('contested').length, 1)
    await removeHooks()
  })
})
