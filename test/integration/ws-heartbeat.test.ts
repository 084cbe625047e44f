import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { UserDirectory } from '../../api/auth/index.js'
import { type RunningApi, startApi } from '../../api/server.js'
import { CommandHandler } from '../../core/commands/index.js'
import { createDecider } from '../../core/domain/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { withLogServer } from '../helpers/log.js'
import { TestSocket, wsUrl } from '../helpers/ws.js'

const HEARTBEAT_MS = 150

describe('WebSocket: heartbeats drop silent connections, and closing leaves no state behind', () => {
  let s: ApiStack
  let api: RunningApi
  const t = withLogServer()

  before(async () => {
    s = await startApiStack(t, 'ws_heartbeat')
    t.defer(async () => {
      await api?.close()
      await s?.stop()
    })
    const created = await t.handler.execute({ type: 'group.create', id: 'g', conv: 'g_pulse', actor: 'ann', data: { name: 'pulse', members: ['ben'] } })
    assert.ok(created.ok)
    await s.settle()
    // An API process of its own, with a heartbeat short enough to watch.
    const users = await UserDirectory.open(t.nc, 'ws_heartbeat_users')
    const deps = {
      log: t.log,
      nc: t.nc,
      handler: new CommandHandler(t.log, createDecider()),
      views: s.views,
      tokens: s.tokens,
      users,
      limits: { bodyLimitBytes: 65536, rateLimitPerMinute: 1000 },
    }
    api = await startApi({ ...deps, ws: { heartbeatMs: HEARTBEAT_MS } }, '127.0.0.1', 0)
  })

  test('a client that stops answering pings is terminated; one that answers stays', async () => {
    const silent = await TestSocket.open(wsUrl(api, await s.token('ann')), { autoPong: false })
    // It answers until both are synced (a sync slower than two heartbeats would otherwise lose the race), then falls silent.
    let answering = true
    silent.ws.on('ping', (data) => answering && silent.ws.pong(data))
    const healthy = await TestSocket.open(wsUrl(api, await s.token('ben')))
    let pings = 0
    healthy.ws.on('ping', () => pings++)
    await Promise.all([silent.sync(), healthy.sync()])
    assert.deepEqual(api.app.wsGateway.stats(), { connections: 2, users: 2, conversations: 1 })

    answering = false
    const started = Date.now()
    const closed = await silent.closed
    assert.equal(closed.code, 1006, 'terminated, not closed politely')
    assert.ok(Date.now() - started <= 4 * HEARTBEAT_MS, `dropped within two heartbeats (${Date.now() - started} ms)`)
    // Counted, not slept: four more pings answered means four more heartbeats survived.
    const survived = pings + 4
    for (const deadline = Date.now() + 10 * HEARTBEAT_MS; pings < survived && Date.now() < deadline; ) await sleep(HEARTBEAT_MS / 4)
    assert.ok(pings >= survived, `${pings} pings, expected ${survived}`)
    assert.equal(healthy.ws.readyState, healthy.ws.OPEN, 'a client answering pings survives many heartbeats')
    assert.deepEqual(api.app.wsGateway.stats(), { connections: 1, users: 1, conversations: 1 })

    await healthy.close()
    const empty = { connections: 0, users: 0, conversations: 0 }
    for (let i = 0; i < 50 && api.app.wsGateway.stats().connections > 0; i++) await sleep(20)
    assert.deepEqual(api.app.wsGateway.stats(), empty, 'nothing of closed connections is kept')
  })
})
