// The web console at `/`: its built files, the page for a deep link, a clear answer without a build,
// and the API's own answers (404, 405) left as they were for everything else.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { createServer } from '../../api/app.js'
import { webConsole } from '../../api/console.js'
import { serverlessDeps } from '../helpers/rest-app.js'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function consoleDir(built: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'seqline-console-'))
  dirs.push(dir)
  if (!built) return dir
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc.js"></script>')
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)')
  return dir
}

async function appWith(dir: string) {
  const app = createServer({ ...serverlessDeps(), consoleDir: dir })
  await app.register(webConsole, { dir })
  app.get('/v1/thing', async () => ({ ok: true }))
  await app.ready()
  return app
}

const html = { accept: 'text/html,application/xhtml+xml' }

describe('the web console served at /', () => {
  test('without a build, / says how to make one, and no other path pretends to be the console', async () => {
    const app = await appWith(consoleDir(false))
    const root = await app.inject({ method: 'GET', url: '/', headers: html })
    assert.equal(root.statusCode, 503)
    assert.match(root.headers['content-type'] as string, /^text\/plain/)
    assert.match(root.body, /not built.*npm run build/)
    const deep = await app.inject({ method: 'GET', url: '/chat', headers: html })
    assert.equal(deep.statusCode, 404)
    assert.equal(deep.json().error.code, 'NOT_FOUND')
    await app.close()
  })

  test('with a build: its files with a strict CSP, hashed assets cached for good, the page for deep links only', async () => {
    const app = await appWith(consoleDir(true))
    const root = await app.inject({ method: 'GET', url: '/', headers: html })
    assert.equal(root.statusCode, 200)
    assert.match(root.body, /assets\/index-abc\.js/)
    assert.match(root.headers['content-security-policy'] as string, /default-src 'self'.*script-src 'self'/)
    assert.equal(root.headers['cache-control'], 'no-cache')
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc.js' })
    assert.equal(asset.statusCode, 200)
    assert.match(asset.headers['cache-control'] as string, /immutable/)

    const deep = await app.inject({ method: 'GET', url: '/analytics/anything', headers: html })
    assert.equal(deep.statusCode, 200, 'a browser deep link gets the page')
    assert.equal(deep.body, root.body)
    assert.match(deep.headers['content-security-policy'] as string, /script-src 'self'/)

    const missingAsset = await app.inject({ method: 'GET', url: '/assets/gone.js' })
    assert.equal(missingAsset.statusCode, 404, 'a script that is not there is a 404, not the page')
    for (const url of ['/v1/nothing', '/docs/nothing', '/metricsx/../v1/x', '/healthz/x']) {
      const r = await app.inject({ method: 'GET', url, headers: html })
      assert.equal(r.statusCode, 404, url)
      assert.equal(r.json().error.code, 'NOT_FOUND', url)
    }
    const wrongMethod = await app.inject({ method: 'POST', url: '/v1/thing', headers: html })
    assert.equal(wrongMethod.statusCode, 405, 'a known API path keeps its 405')
    const postPage = await app.inject({ method: 'POST', url: '/somewhere', headers: html })
    assert.equal(postPage.statusCode, 404, 'only GET and HEAD get the page')
    await app.close()
  })
})
