import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { postSigned, verifySignature } from '../../integrations/outbound/index.js'

let server: Server
let base: string
const seen: Array<{ path: string; body: string; signature: string | undefined }> = []

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ path: req.url ?? '', body, signature: req.headers['seqline-signature'] as string | undefined })
  if (req.url === '/ok') return void res.end('{"action":"allow"}')
  if (req.url === '/redirect') return void res.writeHead(307, { location: `${base}/ok` }).end()
  if (req.url === '/fail') return void res.writeHead(503).end()
  // /slow never answers within the caller's timeout
}

before(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => route(req, res, body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(() => {
  server.closeAllConnections()
  server.close()
})

test('a signed POST reaches a real receiver, which verifies it', async () => {
  const out = await postSigned({ url: `${base}/ok`, secret: 's', body: '{"a":1}', timeoutMs: 2000 })
  assert.equal(out.ok, true)
  const got = seen.at(-1)
  assert.equal(got?.body, '{"a":1}')
  assert.equal(verifySignature('s', got?.signature, got?.body ?? '').ok, true)
})

test('a redirect is not followed and counts as a failure', async () => {
  const before = seen.length
  const out = await postSigned({ url: `${base}/redirect`, secret: 's', body: '{}', timeoutMs: 2000 })
  assert.deepEqual([out.ok, !out.ok && out.failure], [false, 'redirect'])
  assert.equal(seen.length, before + 1, 'only the first URL was called')
})

test('a non-2xx status, a timeout and a closed port are failures, not exceptions', async () => {
  const status = await postSigned({ url: `${base}/fail`, secret: 's', body: '{}', timeoutMs: 2000 })
  assert.equal(!status.ok && status.failure, 'status')
  const slow = await postSigned({ url: `${base}/slow`, secret: 's', body: '{}', timeoutMs: 200 })
  assert.equal(!slow.ok && slow.failure, 'timeout')
  assert.ok(slow.ms < 1500, `gave up after ${slow.ms} ms`)
  const closed = await postSigned({ url: 'http://127.0.0.1:1/', secret: 's', body: '{}', timeoutMs: 2000 })
  assert.equal(!closed.ok && closed.failure, 'connection')
})
