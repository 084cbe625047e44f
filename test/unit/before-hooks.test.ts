import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type BeforeHook, type BeforeHooks, CommandHandler, type HookContext, type HookVerdict } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { MemoryLog } from '../../core/log/index.js'
import { readAnswer } from '../../integrations/hooks/hook-answer.js'
import { type ValidCommand, validateCommand } from '../../schemas/index.js'
import { createGroup, readAll, text } from '../helpers/log.js'

// The handler's side of before-hooks over the in-memory log: when a hook is asked, and what its
// verdict does. The hooks here are the core interface answered in memory; the HTTP side is
// tested against real receivers (test/integration/before-hooks.test.ts).

/** One hook for message.send answering with `verdict`, keeping what it was asked. */
function hookAnswering(verdict: (command: ValidCommand) => HookVerdict) {
  const asked: Array<{ command: ValidCommand; context: HookContext }> = []
  const hook: BeforeHook = {
    name: 'memory',
    ask: async (command, context) => {
      asked.push({ command, context })
      return verdict(command)
    },
  }
  const hooks: BeforeHooks = { for: (type) => (type === 'message.send' || type === 'group.mute' ? [hook] : []) }
  return { hooks, asked }
}

async function groupWith(hooks: BeforeHooks) {
  const log = new MemoryLog()
  const handler = new CommandHandler(log, createDecider(), { hooks })
  await createGroup(handler, 'g_main', 'alice', ['bob'])
  return { log, handler }
}

const sendWith = (command: ValidCommand, data: unknown): ValidCommand => {
  const v = validateCommand({ ...command, data })
  if (!v.ok) throw new Error(JSON.stringify(v.errors))
  return v.value
}

describe('before-hooks in the command handler', () => {
  test('only commands the decider accepts are asked about, with their context; a retried id is not asked again', async () => {
    const { hooks, asked } = hookAnswering(() => ({ action: 'allow' }))
    const { handler } = await groupWith(hooks)
    const refused = await handler.execute(text('x', 'g_main', 'mallory'))
    assert.equal(!refused.ok && refused.reason, 'refused')
    assert.equal(asked.length, 0, 'a refused command reaches no hook')
    const first = await handler.execute(text('m1', 'g_main', 'bob'))
    assert.deepEqual(asked[0]?.context, { kind: 'group', members: 2, role: 'member' })
    const retried = await handler.execute(text('m1', 'g_main', 'bob'))
    assert.deepEqual([first.ok && first.seq, retried.ok && retried.duplicate, asked.length], [2, true, 1])
    await handler.execute({ type: 'group.mute', id: 'mute-1', conv: 'g_main', actor: 'alice', data: {} })
    await handler.execute({ type: 'group.mute', id: 'mute-2', conv: 'g_main', actor: 'alice', data: {} })
    assert.equal(asked.length, 2, 'muting a muted group changes nothing, so no hook is asked')
  })

  test('a rejection stores nothing and names the hook, its code and message', async () => {
    const { hooks } = hookAnswering(() => ({ action: 'reject', hook: 'memory', code: 'NOPE', message: 'not here' }))
    const { log, handler } = await groupWith(hooks)
    const r = await handler.execute(text('m1', 'g_main', 'bob'))
    assert.deepEqual(r, { ok: false, reason: 'hooked', verdict: { action: 'reject', hook: 'memory', code: 'NOPE', message: 'not here' } })
    assert.equal((await readAll(log, 'g_main')).length, 1)
  })

  test('a rewrite is decided again: stored when the decider accepts it, refused when it does not', async () => {
    const { hooks } = hookAnswering((c) =>
      c.id === 'bad'
        ? { action: 'modify', command: sendWith(c, { content: { type: 'text', text: 'hi @zed' }, mentions: { users: ['zed'] } }) }
        : { action: 'modify', command: sendWith(c, { content: { type: 'text', text: 'rewritten' } }) },
    )
    const { log, handler } = await groupWith(hooks)
    const ok = await handler.execute(text('good', 'g_main', 'bob', 'original'))
    assert.equal(ok.ok && ok.event?.type === 'message.sent' && ok.event.data.content.type === 'text' && ok.event.data.content.text, 'rewritten')
    const refused = await handler.execute(text('bad', 'g_main', 'bob'))
    assert.equal(!refused.ok && refused.reason === 'refused' && refused.refusal.code, 'MENTION_NOT_MEMBER')
    assert.deepEqual(
      (await readAll(log, 'g_main')).map((s) => s.event.cmd),
      ['create-g_main', 'good'],
    )
  })

  test('a hook after a rewrite the decider refuses is not asked: every hook judges a command the decider accepts', async () => {
    const later: ValidCommand[] = []
    const first: BeforeHook = {
      name: 'first',
      ask: async (c) => ({ action: 'modify', command: sendWith(c, { content: { type: 'text', text: 'hi @zed' }, mentions: { users: ['zed'] } }) }),
    }
    const second: BeforeHook = {
      name: 'second',
      ask: async (c) => {
        later.push(c)
        return { action: 'allow' }
      },
    }
    const { handler } = await groupWith({ for: (type) => (type === 'message.send' ? [first, second] : []) })
    const r = await handler.execute(text('m1', 'g_main', 'bob'))
    assert.equal(!r.ok && r.reason === 'refused' && r.refusal.code, 'MENTION_NOT_MEMBER')
    assert.equal(later.length, 0)
  })
})

describe("reading a hook's answer", () => {
  const command = validateCommand(text('m1', 'g_main', 'bob'))
  assert.ok(command.ok)
  const read = (body: string) => readAnswer(body, command.value)

  test('the three actions', () => {
    assert.deepEqual(read('{"action":"allow"}'), { action: 'allow' })
    assert.deepEqual(read('{"action":"reject","code":"BANNED","message":"no"}'), { action: 'reject', code: 'BANNED', message: 'no' })
    const modified = read('{"action":"modify","data":{"content":{"type":"text","text":"new"}}}')
    assert.deepEqual(modified.action === 'modify' && modified.command.data, { content: { type: 'text', text: 'new' } })
  })

  test('anything else is malformed, with the reason', () => {
    for (const [body, reason] of [
      ['allow', /not JSON/],
      ['[1]', /not a JSON object/],
      ['{"action":"drop"}', /action "drop"/],
      ['{"action":"reject","message":"no"}', /needs a code/],
      ['{"action":"reject","code":"X"}', /needs a message/],
      ['{"action":"modify","data":{"content":{"type":"text"}}}', /breaks its schema: \/data\/content/],
      ['{"action":"modify","data":{"content":{"type":"text","text":"x"},"colour":"red"}}', /breaks its schema/],
    ] as const) {
      const answer = read(body)
      assert.equal(answer.action, 'malformed', body)
      assert.match(answer.action === 'malformed' ? answer.reason : '', reason, body)
    }
  })
})
