import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
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
})
