import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { builtinModules } from 'node:module'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { build, type Rolldown } from 'vite'
import { SeqlineClient } from '../../client/src/index.js'
import { until } from '../../core/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { launchChromium } from '../helpers/browser.js'
import { withLogServer } from '../helpers/log.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }

/** Serves the repository's files, as `python3 -m http.server` at its root would for someone trying the example. */
async function serveRepository(): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path)
    if (!file.startsWith(root) || !(extname(file) in TYPES)) return res.writeHead(404).end()
    try {
      const body = await readFile(file)
      res.writeHead(200, { 'content-type': TYPES[extname(file)]! }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** @seqline/client bundled for browsers into one ES module file, as an app's bundler would (Vite, from the source). */
async function bundleClient(): Promise<Rolldown.OutputChunk[]> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: { write: false, minify: false, lib: { entry: join(root, 'client/src/index.ts'), formats: ['es'], fileName: 'seqline-client' } },
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]
  return outputs.flatMap((o) => o.output.filter((x): x is Rolldown.OutputChunk => x.type === 'chunk'))
}

/** Every module a bundle still imports (static, re-exported or dynamic). */
function importsOf(code: string): string[] {
  const found = code.matchAll(/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s*['"]([^'"]+)['"]/g)
  return [...found].map((m) => m[1] ?? m[2] ?? m[3] ?? '')
}

const poll = <T>(check: () => Promise<T | undefined> | T | undefined, what: string) =>
  until(check, { timeoutMs: 15_000, everyMs: 50, timedOut: () => new Error(`timed out waiting for ${what}`) })

describe('the browser example page, in Chromium, with the client as the browser loads it', () => {
  const t = withLogServer()
  let s: ApiStack
  let origin: string
  let browser: Browser
  let page: Page
  let bob: SeqlineClient
  let conv: string

  before(async () => {
    const site = await serveRepository()
    origin = site.origin
    t.defer(() => new Promise<void>((resolve) => site.server.close(() => resolve())))
    s = await startApiStack(t, 'client_browser', undefined, { corsOrigins: [origin] })
    t.defer(() => s.stop())
    browser = await launchChromium()
    t.defer(() => browser.close())
    page = await (await browser.newContext()).newPage()
    bob = new SeqlineClient({ url: s.url, token: await s.token('bob') })
    conv = (await bob.openDirect('alice')).conv
  })

  const lines = () => page.locator('#log li').allTextContents()

  test('a page on another origin connects, receives live, sends, and shows the latest messages once after a reload', async () => {
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    const url = `${origin}/examples/browser/?${new URLSearchParams({ api: s.url, token: await s.token('alice'), peer: 'bob' })}`
    await page.goto(url)
    await page.getByText('connected as alice').waitFor({ timeout: 15_000 })

    await bob.text(conv, 'hello from node')
    await page.locator('#log li', { hasText: 'bob: hello from node' }).waitFor({ timeout: 15_000 })

    await page.getByLabel('Message').fill('你好 from the browser')
    await page.getByRole('button', { name: 'Send' }).click()
    const texts = async () =>
      (await bob.events(conv, { from: 1, limit: 100 })).flatMap((e) =>
        e.type === 'message.sent' && e.data.content.type === 'text' ? [e.data.content.text] : [],
      )
    await poll(async () => ((await texts()).includes('你好 from the browser') ? true : undefined), 'the message sent from the page')

    await page.reload()
    await page.getByText('connected as alice').waitFor({ timeout: 15_000 })
    await poll(async () => ((await lines()).length >= 2 ? true : undefined), 'the messages after a reload')
    assert.deepEqual(await lines(), ['bob: hello from node', 'alice: 你好 from the browser'])
    assert.deepEqual(errors, [])
  })

  test("IndexedDbStore keeps a value in the browser's IndexedDB across pages", async () => {
    const modules = `${origin}/client/dist/index.js`
    await page.goto(`${origin}/examples/browser/`)
    await page.evaluate(async (at) => {
      const { IndexedDbStore } = await import(at)
      await new IndexedDbStore('positions:alice').save({ g_team: 41 })
    }, modules)
    await page.reload()
    const loaded = await page.evaluate(async (at) => {
      const { IndexedDbStore } = await import(at)
      return [await new IndexedDbStore('positions:alice').load(), await new IndexedDbStore('nothing:here').load()]
    }, modules)
    assert.deepEqual(loaded, [{ g_team: 41 }, undefined])
  })

  test('a single-file browser bundle of the client has no Node built-ins, and works in the page', async () => {
    const chunks = await bundleClient()
    assert.equal(chunks.length, 1, `one file: ${chunks.map((c) => c.fileName)}`)
    const code = chunks[0]!.code
    assert.ok(code.length > 1000 && /export \{[^}]*\bSeqlineClient\b/.test(code), 'the bundle exports the client')
    assert.deepEqual(importsOf(code), [], 'a single file imports nothing')
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))
    const named = [...code.matchAll(/['"]((?:node:)?[a-z_/]+)['"]/g)].map((m) => m[1]!).filter((name) => builtins.has(name) && name.includes(':'))
    assert.deepEqual(named, [], 'no node: module named anywhere in it')
    assert.doesNotMatch(code, /vite[-_]browser[-_]external|\brequire\(/, 'nothing stood in for a Node module')

    // Served from the page's own origin and imported there: it connects, sends, and reads back over REST (CORS).
    const at = `${origin}/bundle/seqline-client.js`
    await page.route(at, (route) => route.fulfill({ contentType: 'text/javascript', body: code }))
    await page.goto(`${origin}/examples/browser/`)
    const token = await s.token('alice')
    const echoed = await page.evaluate(
      async ({ at, api, token, conv }) => {
        const { SeqlineClient } = await import(at)
        const client = new SeqlineClient({ url: api, token })
        const socket = client.connect({ latest: 10 })
        await new Promise((resolve) => socket.on('open', resolve))
        const ack = await socket.sendCommand({ type: 'message.send', conv, data: { content: { type: 'text', text: 'from the bundle' } } })
        const read = await client.page(conv, { from: ack.seq, limit: 1 })
        socket.close()
        return read.events[0]?.data?.content?.text
      },
      { at, api: s.url, token, conv },
    )
    assert.equal(echoed, 'from the bundle')
    const seen = await bob.events(conv, { from: 1, limit: 100 })
    assert.ok(seen.some((e) => e.type === 'message.sent' && e.data.content.type === 'text' && e.data.content.text === 'from the bundle'))
  })
})
