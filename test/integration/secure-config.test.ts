import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Tokens, UserDirectory } from '../../api/auth/index.js'
import { startApi } from '../../api/index.js'
import { loadConfig } from '../../ops/config.js'
import { connectNats } from '../../ops/nats-connection.js'
import { type RunningNats, startNatsServer } from '../../ops/servers/index.js'
import { ConversationViews } from '../../projections/conversations/index.js'
import { withLogServer } from '../helpers/log.js'

/** A self-signed certificate for 127.0.0.1, made with openssl for this run. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  )
  return { cert, key }
}

describe('credentials and TLS from configuration', () => {
  let dir: string
  let pem: { cert: string; key: string }
  const servers: RunningNats[] = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'seqline-tls-'))
    pem = selfSigned(dir)
  })
  after(async () => {
    for (const s of servers) await s.stop()
    await rm(dir, { recursive: true, force: true })
  })

  test('a NATS server that wants a token: the configured token gets in, a wrong one does not', async () => {
    const token = randomBytes(16).toString('hex')
    const server = await startNatsServer({ storeDir: join(dir, 'auth'), args: ['--auth', token] })
    servers.push(server)
    const nats = await connectNats(loadConfig({ SEQLINE_NATS_URL: server.url, SEQLINE_NATS_TOKEN: token }), 'test')
    assert.equal(nats.nc.info?.auth_required, true)
    await nats.close()
    await assert.rejects(connectNats(loadConfig({ SEQLINE_NATS_URL: server.url, SEQLINE_NATS_TOKEN: 'wrong' }), 'test'))
  })

  test('a NATS server over TLS: reached with the configured CA, refused without it', async () => {
    const server = await startNatsServer({ storeDir: join(dir, 'tls'), args: ['--tls', '--tlscert', pem.cert, '--tlskey', pem.key] })
    servers.push(server)
    const nats = await connectNats(loadConfig({ SEQLINE_NATS_URL: server.url, SEQLINE_NATS_CA: pem.cert }), 'test')
    assert.equal(nats.nc.info?.tls_required, true)
    await nats.close()
    await assert.rejects(connectNats(loadConfig({ SEQLINE_NATS_URL: server.url }), 'test'))
  })

  describe('the API over HTTPS', () => {
    const t = withLogServer()

    test('serves HTTPS with the configured certificate', async () => {
      const tokens = new Tokens({ serviceToken: 's'.repeat(24), jwtSecret: randomBytes(32).toString('hex') })
      const deps = {
        log: t.log,
        nc: t.nc,
        handler: t.handler,
        views: await ConversationViews.open(t.nc, 'tls_views'),
        users: await UserDirectory.open(t.nc, 'tls_users'),
        tokens,
        limits: { bodyLimitBytes: 4096, rateLimitPerMinute: 100 },
      }
      const api = await startApi(deps, '127.0.0.1', 0, { cert: await readFile(pem.cert), key: await readFile(pem.key) })
      t.defer(() => api.close())
      assert.match(api.url, /^https:\/\//)
      const ca = await readFile(pem.cert)
      const status = await new Promise<number>((resolve, reject) => {
        request(`${api.url}/healthz`, { ca }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
          .on('error', reject)
          .end()
      })
      assert.equal(status, 200)
    })
  })
})
