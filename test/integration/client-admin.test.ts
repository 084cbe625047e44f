import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { SeqlineAdmin, SeqlineError } from '../../client/src/admin.js'
import { SeqlineClient } from '../../client/src/index.js'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { DelivererSet, ParkedStore } from '../../integrations/delivery/index.js'
import { Pusher, PushTargets } from '../../integrations/push/index.js'
import { Webhooks } from '../../integrations/webhooks/index.js'
import { ConversationViews } from '../../projections/conversations/index.js'
import { AuditLog, RetentionSettings, UserErasure } from '../../projections/retention/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { TestReceiver } from '../helpers/receiver.js'

const SECRET = 'client-admin-secret-0123456789'
const BUCKET = 'client_admin_views'

// The typed admin calls of @seqline/client against a running stack with webhooks, push and retention.
describe('@seqline/client/admin: hooks, webhooks, push, retention, erasure and export', () => {
  const t = withLogServer()
  let s: ApiStack
  let admin: SeqlineAdmin
  const receiver = new TestReceiver(SECRET)

  before(async () => {
    await receiver.start()
    const parked = await ParkedStore.open(t.nc)
    const deliverers = new DelivererSet(t.nc, t.log, parked, { leaseTtlMs: 3_000 })
    const webhooks = await Webhooks.open(t.nc, t.log, parked, deliverers)
    await webhooks.start()
    const views = await ConversationViews.open(t.nc, BUCKET, BUCKET)
    const pusher = await Pusher.open(t.nc, t.log, views, await PushTargets.open(t.nc), { leaseTtlMs: 3_000 })
    const audit = await AuditLog.open(t.nc)
    const settings = await RetentionSettings.open(t.nc)
    s = await startApiStack(t, BUCKET, undefined, { webhooks, deliverers: () => deliverers.views(), push: pusher, retention: { audit, settings } })
    const erasure = new UserErasure(t.log, s.views, new CommandHandler(t.log, createDecider()), audit)
    await erasure.start(t.nc)
    t.defer(async () => {
      erasure.stop()
      await pusher.stop()
      await s.stop()
      await webhooks.stop()
      await deliverers.stop()
      parked.close()
      await receiver.stop()
    })
    await pusher.start()
    admin = new SeqlineAdmin({ url: s.url, token: s.serviceToken })
  })

  test('a before-hook is put, read, listed and deleted', async () => {
    const put = await admin.putHook('moderation', { url: receiver.url, commands: ['group.dissolve'], onFailure: 'allow', secret: SECRET })
    assert.deepEqual([put.name, put.timeoutMs, put.order, 'secret' in put], ['moderation', 1000, 0, false])
    assert.equal((await admin.getHook('moderation')).url, receiver.url)
    assert.deepEqual(
      (await admin.listHooks()).map((h) => h.name),
      ['moderation'],
    )
    assert.equal((await admin.deleteHook('moderation')).name, 'moderation')
    assert.deepEqual(await admin.listHooks(), [])
    await assert.rejects(admin.getHook('moderation'), (err: unknown) => err instanceof SeqlineError && err.status === 404)
  })

  test('a webhook is created, listed, read, replayed and deleted', async () => {
    const created = await admin.putWebhook('crm', { url: receiver.url, events: ['message.sent'], secret: SECRET })
    assert.deepEqual([created.name, created.url, created.events], ['crm', receiver.url, ['message.sent']])
    assert.deepEqual(
      (await admin.listWebhooks()).map((w) => w.name),
      ['crm'],
    )
    const state = await admin.getWebhook('crm')
    assert.deepEqual(state.parked, created.parked)
    const replay = await admin.replayWebhook('crm', { '0': 0 })
    assert.deepEqual(replay.from, { '0': 0 })
    assert.deepEqual(await admin.deleteWebhook('crm'), { name: 'crm', deleted: true })
    await assert.rejects(admin.getWebhook('crm'), (err: unknown) => err instanceof SeqlineError && err.code === 'WEBHOOK_NOT_FOUND')
  })

  test('the push target is set without its secret shown, read back and removed', async () => {
    const set = await admin.putPush({ url: receiver.url, secret: SECRET })
    assert.deepEqual([set.url, set.delaySeconds, 'secret' in set], [receiver.url, 0, false])
    assert.equal((await admin.getPush()).url, receiver.url)
    await admin.deletePush()
    await assert.rejects(admin.getPush(), (err: unknown) => err instanceof SeqlineError && err.code === 'PUSH_NOT_CONFIGURED')
  })

  test("retention defaults are set and read back; a conversation's own policy is accepted", async () => {
    assert.deepEqual(await admin.setRetention({ direct: 30, group: null }), { direct: 30, group: null })
    assert.deepEqual(await admin.getRetention(), { direct: 30, group: null })
    await admin.putUser('gil')
    const gil = new SeqlineClient({ url: s.url, token: await s.token('gil') })
    const { conv } = await gil.createGroup({ name: 'Kept', members: [] })
    const own = await admin.setConversationRetention(conv, 7)
    assert.equal(own.event?.type, 'retention.configured')
    const again = await gil.configureGroupRetention(conv, null)
    assert.equal(again.event?.type, 'retention.configured')
  })

  test("a user's export holds their message, and an erase reports what it erased", async () => {
    await admin.putUser('fay')
    await admin.putUser('hal')
    const fay = new SeqlineClient({ url: s.url, token: await s.token('fay') })
    const { conv } = await fay.openDirect('hal')
    const sent = await fay.text(conv, 'export me')
    assert.equal((await fay.configureNotifications(conv, { mode: 'mentions' })).event?.type, 'notifications.configured')
    await s.settle()
    const lines = await admin.exportUser('fay')
    assert.deepEqual(
      lines.flatMap((l) => (l.kind === 'message' ? [`${l.event.conv}#${l.event.seq}`] : [])),
      [`${conv}#${sent.seq}`],
    )
    assert.ok(lines.some((l) => l.kind === 'membership' && l.conv === conv))
    const erased = await admin.eraseUser('fay')
    assert.deepEqual([erased.status, erased.user, erased.messages, erased.conversations], ['completed', 'fay', 1, [{ conv, messages: 1 }]])
  })
})
