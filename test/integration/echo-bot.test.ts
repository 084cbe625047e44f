import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { until } from '../../core/index.js'
import { answerTo, type RunningBot, startEchoBot } from '../../examples/echo-bot/bot.js'
import { Bots } from '../../integrations/bots/index.js'
import { DelivererSet, ParkedStore } from '../../integrations/delivery/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { TestReceiver } from '../helpers/receiver.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const BUCKET = 'bot_views'
const SECRET = 'bot-secret-0123456789'

interface Event {
  id: string
  seq: number
  type: string
  actor: string
  bot?: true
  data: { content?: { text?: string } }
}

describe('a bot: a registered user with bot {url, secret}, served its conversations and answering through REST', () => {
  const t = withLogServer()
  let stack: ApiStack
  let echo: RunningBot

  const admin = (method: string, path: string, body?: unknown) => call(`${stack.url}${path}`, method, stack.serviceToken, body)
  const as = async (user: string, method: string, path: string, body?: unknown) => call(`${stack.url}${path}`, method, await stack.token(user), body)
  const events = async (user: string, conv: string): Promise<Event[]> =>
    (await as(user, 'GET', `/v1/conversations/${conv}/events?from=1&limit=500`)).body.events

  test('setup: Seqline with bots, and the example bot registered the way a platform registers one', async () => {
    const parked = await ParkedStore.open(t.nc)
    const deliverers = new DelivererSet(t.nc, t.log, parked, { leaseTtlMs: 3_000 })
    let handler!: CommandHandler
    const bots = await Bots.open(t.nc, t.log, deliverers, { usersBucket: `${BUCKET}_users`, stateOf: (conv) => handler.state(conv) })
    handler = new CommandHandler(t.log, createDecider(), { isBot: bots.isBot })
    stack = await startApiStack(t, BUCKET, undefined, { handler, deliverers: () => deliverers.views() })
    await bots.start()
    t.defer(async () => {
      await echo?.close()
      await stack.stop()
      await bots.stop()
      await deliverers.stop()
      parked.close()
    })
    for (const user of ['ann', 'ben']) assert.equal((await admin('PUT', `/v1/admin/users/${user}`, { name: user })).status, 201)
    assert.equal((await admin('PUT', '/v1/admin/users/echo', { name: 'Echo' })).status, 201)
    const minted = await admin('POST', '/v1/admin/tokens', { user: 'echo', ttlSeconds: 3600 })
    echo = await startEchoBot({ user: 'echo', seqlineUrl: stack.url, token: minted.body.token, secret: SECRET })
    const registered = await admin('PUT', '/v1/admin/users/echo', { bot: { url: echo.url, secret: SECRET } })
    assert.equal(registered.status, 200)
    assert.deepEqual(registered.body.bot, { url: echo.url }, 'the bot URL is shown, never its secret')
    assert.equal(JSON.stringify((await admin('GET', '/v1/admin/users/echo')).body).includes(SECRET), false)
    await until(() => (bots.isBot('echo') ? true : undefined), { timeoutMs: 5_000, everyMs: 20, timedOut: () => new Error('echo not known as a bot') })
  })

  test('the bot answers /echo and /time in a group; its messages are marked bot: true', async () => {
    const created = await as('ann', 'POST', '/v1/groups', { id: 'g-bot', conv: 'g_bots', name: 'with a bot', members: ['ben'] })
    assert.equal(created.status, 200, JSON.stringify(created.body))
    assert.equal((await as('ann', 'POST', '/v1/groups/g_bots/invite', { id: 'add-echo', users: ['echo'] })).status, 200)
    // Ben follows the group over the WebSocket, as an app does.
    const ben = await TestSocket.open(wsUrl(stack, await stack.token('ben')))
    t.defer(() => ben.close())
    await ben.sync()
    await as('ben', 'POST', '/v1/conversations/g_bots/messages', { id: 'e1', content: { type: 'text', text: '/echo hello there' } })
    await as('ann', 'POST', '/v1/conversations/g_bots/messages', { id: 't1', content: { type: 'text', text: '/time' } })
    await as('ann', 'POST', '/v1/conversations/g_bots/messages', { id: 'n1', content: { type: 'text', text: 'not a command' } })
    const replies = await until(
      async () => {
        const fromBot = (await events('ben', 'g_bots')).filter((e) => e.actor === 'echo')
        return fromBot.length >= 2 ? fromBot : undefined
      },
      { timeoutMs: 15_000, everyMs: 50, timedOut: () => new Error(`the bot answered ${echo.answered} of 2`) },
    )
    assert.equal(replies[0]!.data.content?.text, 'hello there')
    assert.ok(!Number.isNaN(Date.parse(replies[1]!.data.content?.text ?? '')), `a time: ${replies[1]!.data.content?.text}`)
    assert.ok(
      replies.every((e) => e.bot === true),
      'marked as a bot',
    )
    assert.ok(
      (await events('ben', 'g_bots')).filter((e) => e.actor !== 'echo').every((e) => e.bot === undefined),
      'users are not marked',
    )
    assert.equal(echo.answered, 2, 'no answer to a plain message, nor to its own')
    const live = await ben.next((f) => f.type === 'event' && f.event.actor === 'echo' && f.event.seq === replies[0]!.seq)
    assert.equal(live.type === 'event' && live.event.bot, true, 'live over the WebSocket too, marked as a bot')
  })

  test('a bot is served only the conversations it is in, from when it joins', async () => {
    const spy = await new TestReceiver(SECRET).start()
    t.defer(() => spy.stop())
    assert.equal((await admin('PUT', '/v1/admin/users/watcher', { bot: { url: spy.url, secret: SECRET } })).status, 201)
    await as('ann', 'POST', '/v1/groups', { id: 'g-out', conv: 'g_without', name: 'no bot', members: ['ben'] })
    await as('ann', 'POST', '/v1/conversations/g_without/messages', { id: 'o1', content: { type: 'text', text: 'private' } })
    await as('ann', 'POST', '/v1/groups', { id: 'g-late', conv: 'g_late', name: 'joined late', members: ['ben'] })
    await as('ann', 'POST', '/v1/conversations/g_late/messages', { id: 'l1', content: { type: 'text', text: 'before the bot' } })
    await as('ann', 'POST', '/v1/groups/g_late/invite', { id: 'add-watcher', users: ['watcher'] })
    await as('ann', 'POST', '/v1/conversations/g_late/messages', { id: 'l2', content: { type: 'text', text: 'after the bot' } })
    await until(() => (spy.events().length >= 2 ? true : undefined), { timeoutMs: 15_000, everyMs: 50, timedOut: () => new Error('nothing for the bot') })
    assert.deepEqual(
      spy.events().map((e) => `${e.conv} ${e.seq} ${e.type}`),
      ['g_late 3 member.invited', 'g_late 4 message.sent'],
    )
    assert.ok(spy.got.every((g) => g.signed))
  })

  test('the example answers what it knows only', () => {
    assert.equal(answerTo('/echo  a b '), 'a b')
    assert.equal(answerTo('/time', new Date(0)), '1970-01-01T00:00:00.000Z')
    assert.equal(answerTo('/echo'), null)
    assert.equal(answerTo('hello'), null)
  })
})
