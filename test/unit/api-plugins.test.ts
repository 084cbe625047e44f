// The API's parts are named plugins that declare what they need: registered without it, the
// app refuses to start, naming what is missing, instead of running without (say) rate limits.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createServer } from '../../api/app.js'
import { metrics } from '../../api/metrics.js'
import { rateLimits } from '../../api/rate-limit.js'
import { healthRoutes } from '../../api/routes/index.js'
import { gateway } from '../../api/ws/index.js'
import { serverlessDeps } from '../helpers/rest-app.js'

describe('API plugins and their dependencies', () => {
  test('the gateway needs the metrics (its connections gauge) and the rate limits (its upgrade is limited)', async () => {
    const deps = serverlessDeps()
    const app = createServer(deps)
    await assert.rejects(async () => app.register(gateway, { deps }).ready(), /seqline-metrics.*seqline-gateway|seqline-gateway.*seqline-metrics/)
    await app.close()
  })

  test('the health routes need the metrics they expose, the rate limits they opt out of, and the docs', async () => {
    const deps = serverlessDeps()
    const app = createServer(deps)
    await app.register(metrics, {})
    await app.register(rateLimits, { perMinute: 10 })
    await assert.rejects(async () => app.register(healthRoutes, { deps }).ready(), /seqline-docs/)
    await app.close()
  })
})
