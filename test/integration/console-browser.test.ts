// The web console in Debian's Chromium, served by the API at `/` from the build (dist/console), against
// real nats-server and chDB: two users chatting live, one offline and back, burn after read, CJK search,
// analytics charts from real data, and an audit export verified (and a changed one refused) in the page.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { SeqlineClient } from '../../client/src/index.js'
import { until } from '../../core/index.js'
import { BurnExecutor } from '../../projections/conversations/index.js'
import { HistorySink } from '../../projections/history/index.js'
import { type ApiStack, call, startApiStack } from '../helpers/api.js'
import { artifactsDir, collectErrors, launchChromium } from '../helpers/browser.js'
import { sinkCaughtUp, withHistoryBackend } from '../helpers/history.js'
import { withLogServer } from '../helpers/log.js'

const WAIT = { timeout: 20_000 }
const poll = <T>(check: () => Promise<T | undefined> | T | undefined, what: string) =>
  until(check, { timeoutMs: 20_000, everyMs: 100, timedOut: () => new Error(`timed out waiting for ${what}`) })

describe('the web console in Chromium, served at / by the API', () => {
  const t = withLogServer()
  const h = withHistoryBackend('chdb')
  let s: ApiStack
  let sink: HistorySink
  let browser: Browser
  let shots: string
  let aliceContext: BrowserContext
  let bobContext: BrowserContext
  let alice: Page
  let bob: Page
  let burns: BurnExecutor
  let errors: string[][] = []
  const conv = 'd~alice~bob'

  before(async () => {
    const db = await h.open('console')
    sink = new HistorySink(t.log, db, { flushIntervalMs: 20 })
    await sink.start()
    t.defer(() => sink.stop())
    s = await startApiStack(t, 'console_views', undefined, { history: { db, sqlLimits: { timeoutSeconds: 5, maxRows: 1000 } } })
    t.defer(() => s.stop())
    burns = new BurnExecutor(s.views, t.handler, { intervalMs: 200 })
    burns.start()
    t.defer(() => burns.stop())
    browser = await launchChromium()
    t.defer(() => browser.close())
    shots = artifactsDir('console')
    console.log(`# console screenshots in ${shots}`)
    aliceContext = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    bobContext = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    alice = await aliceContext.newPage()
    bob = await bobContext.newPage()
    errors = [collectErrors(alice), collectErrors(bob)]
  })

  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
  const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).locator('li.message')
  const texts = (page: Page) => messages(page).locator('.text').allTextContents()
  const status = (page: Page) => page.locator('.whoami .status')
  const openConversation = (page: Page, title: string) => page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: title }).click()
  /**
   * Notes in the page, as it renders, what becomes of the message with this text: the first countdown
   * it shows, and whether it went after it was there (window.burnNote).
   */
  const noteBurn = (page: Page, text: string) =>
    page.evaluate((text) => {
      const note: { countdown?: string; shown: boolean; gone: boolean } = { shown: false, gone: false }
      ;(window as unknown as { burnNote: typeof note }).burnNote = note
      const look = () => {
        const item = [...document.querySelectorAll('li.message')].find((li) => li.querySelector('.text')?.textContent === text)
        if (item) note.shown = true
        else if (note.shown) note.gone = true
        const timer = item?.querySelector('[role="timer"]')
        if (timer) note.countdown ??= timer.textContent ?? ''
      }
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true })
    }, text)
  const burnNoted = async (page: Page) => {
    await page.waitForFunction(() => (window as unknown as { burnNote: { gone: boolean } }).burnNote.gone, undefined, WAIT)
    return page.evaluate(() => (window as unknown as { burnNote: { countdown?: string } }).burnNote.countdown)
  }
  const send = async (page: Page, text: string) => {
    await page.getByLabel('Message', { exact: true }).fill(text)
    await page.getByRole('button', { name: 'Send' }).click()
  }

  test('/ serves the console with a strict CSP; API paths answer as before; a page path gets the console', async () => {
    const page = await fetch(`${s.url}/`)
    assert.equal(page.status, 200)
    assert.match(page.headers.get('content-type') ?? '', /text\/html/)
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/)
    const html = await page.text()
    assert.match(html, /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/)
    assert.doesNotMatch(html.replace(/<script[^>]*src=[^>]*><\/script>/g, ''), /<script/, 'no inline script')
    const deep = await fetch(`${s.url}/chat/somewhere`, { headers: { accept: 'text/html' } })
    assert.equal(deep.status, 200, 'a deep link gets the page')
    assert.equal(await deep.text(), html)
    const missing = await call(`${s.url}/v1/nothing-here`, 'GET', null)
    assert.equal(missing.status, 404)
    assert.equal(missing.body.error.code, 'NOT_FOUND')
    const apiDeep = await fetch(`${s.url}/v1/nothing-here`, { headers: { accept: 'text/html' } })
    assert.equal(apiDeep.status, 404, 'API paths never get the page')
    const wrongMethod = await call(`${s.url}/`, 'POST', null, {})
    assert.equal(wrongMethod.status, 405)
    assert.equal((await call(`${s.url}/healthz`, 'GET', null)).body.status, 'ok')
  })

  test('an operator acts as alice, bob signs in with his token: they chat live and see each other type', async () => {
    await alice.goto(`${s.url}/`)
    await alice.getByLabel('Service token').fill(s.serviceToken)
    await alice.getByRole('button', { name: 'Sign in as operator' }).click()
    await alice.getByLabel('Act as user').fill('alice')
    await alice.getByRole('button', { name: 'Act as' }).click()
    await status(alice).filter({ hasText: 'online' }).waitFor(WAIT)

    await bob.goto(`${s.url}/`)
    await bob.getByLabel('User token').fill(await s.token('bob'))
    await bob.getByRole('button', { name: 'Sign in with a token' }).click()
    await status(bob).filter({ hasText: 'online' }).waitFor(WAIT)

    await alice.getByText('New conversation').click()
    await alice.getByLabel('Chat with').fill('bob')
    await alice.getByRole('button', { name: 'Open chat' }).click()
    await alice.getByRole('heading', { name: 'bob' }).waitFor(WAIT)
    await send(alice, 'hello bob')
    await messages(alice).filter({ hasText: 'hello bob' }).waitFor(WAIT)

    await openConversation(bob, 'alice')
    await messages(bob).filter({ hasText: 'hello bob' }).waitFor(WAIT)
    await bob.getByLabel('Message', { exact: true }).pressSequentially('hi al', { delay: 20 })
    await alice.getByText('bob is typing…').waitFor(WAIT)
    await bob.getByLabel('Message', { exact: true }).fill('hi alice, 你好')
    await bob.getByRole('button', { name: 'Send' }).click()
    await messages(alice).filter({ hasText: 'hi alice, 你好' }).waitFor(WAIT)
    await shot(alice, '01-live-alice')
    await shot(bob, '01-live-bob')
    assert.deepEqual(await texts(alice), ['hello bob', 'hi alice, 你好'])
    assert.deepEqual(await texts(bob), ['hello bob', 'hi alice, 你好'])

    // Read receipts of alice's message: bob has read it (his conversation is open).
    const first = messages(alice).filter({ hasText: 'hello bob' })
    await poll(async () => {
      await first.getByRole('button', { name: /Read receipts/ }).click()
      return (await first.locator('.receipt').textContent())?.includes('read by alice, bob') ? true : undefined
    }, "bob's read in the receipts")
  })

  test('bob goes offline, alice writes on; back online bob has every missed message once, in order', async () => {
    await bobContext.setOffline(true)
    await status(bob).filter({ hasText: 'offline' }).waitFor(WAIT)
    const missed = ['while you were away 1', 'while you were away 2', 'while you were away 3']
    for (const text of missed) {
      await send(alice, text)
      await messages(alice).filter({ hasText: text }).waitFor(WAIT)
    }
    assert.deepEqual(await texts(bob), ['hello bob', 'hi alice, 你好'], 'nothing reached the offline page')
    await shot(bob, '02-offline-bob')

    await bobContext.setOffline(false)
    await status(bob).filter({ hasText: 'online' }).waitFor(WAIT)
    await messages(bob).filter({ hasText: missed[2]! }).waitFor(WAIT)
    await shot(bob, '02-back-online-bob')
    assert.deepEqual(await texts(bob), ['hello bob', 'hi alice, 你好', ...missed])
    const seqs = await messages(bob).evaluateAll((items) => items.map((li) => Number((li as HTMLElement).dataset.seq)))
    assert.equal(new Set(seqs).size, seqs.length, `no message twice: ${seqs}`)
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'in seq order',
    )
  })

  test('burn after read: the message counts down once bob has read it and disappears from both screens', async () => {
    await alice.getByLabel('Burn after read').check()
    await alice.getByLabel('seconds').fill('2')
    await alice.getByRole('button', { name: 'Apply' }).click()
    await alice.getByText('on: messages burn 2 s after they are read').waitFor(WAIT)
    // The countdown lasts 2 s: a test that looks for it on one screen and then the other can look too
    // late on a loaded machine, when the message is already burned there. So each page notes, as it
    // renders, the countdown and the message going, and the test reads the notes.
    await Promise.all([noteBurn(alice, 'this burns'), noteBurn(bob, 'this burns')])
    await send(alice, 'this burns')
    // bob has the conversation open, so he reads it at once: the countdown starts and the server burns it.
    const outcomes = await Promise.allSettled([alice, bob].map(burnNoted))
    if (outcomes.some((o) => o.status === 'rejected')) {
      // Which side missed it: the pages' notes, the log's tombstone, what the executor issued and still has scheduled.
      const notes = await Promise.all([alice, bob].map((page) => page.evaluate(() => JSON.stringify((window as unknown as { burnNote: unknown }).burnNote))))
      const log = await new SeqlineClient({ url: s.url, token: await s.token('bob') }).page(conv, { from: 1, limit: 100 })
      const schedule = JSON.stringify([...(await s.views.burns())])
      const tombstone = log.events.some((e) => e.type === 'message.burned')
      assert.fail(
        `the burn did not reach both screens: alice ${notes[0]}, bob ${notes[1]}; tombstone in the log: ${tombstone}; burns issued: ${burns.burned}; schedule: ${schedule}`,
      )
    }
    for (const o of outcomes)
      assert.match((o as PromiseFulfilledResult<string | undefined>).value ?? 'none', /^burns in \d+ s$/, 'a countdown, then the message went')
    await shot(alice, '03-burned-alice')
    await shot(bob, '03-burned-bob')
    assert.ok(!(await texts(bob)).includes('this burns'))
    const page = await new SeqlineClient({ url: s.url, token: await s.token('bob') }).page(conv, { from: 1, limit: 100 })
    assert.ok(
      page.events.some((e) => e.type === 'message.burned'),
      'the server burned it: the log holds its tombstone',
    )
    // Burning is off again for what follows.
    await alice.getByLabel('Burn after read').uncheck()
    await alice.getByRole('button', { name: 'Apply' }).click()
    await alice.getByText('off', { exact: true }).waitFor(WAIT)
  })

  test('search finds a Chinese word inside a sentence and marks it', async () => {
    await send(alice, '我们明天开会讨论季度路线图')
    await messages(alice).filter({ hasText: '季度路线图' }).waitFor(WAIT)
    await s.settle()
    await sinkCaughtUp(sink)
    await alice.getByLabel('Search messages').fill('路线图')
    await alice.getByRole('search').getByRole('button', { name: 'Search' }).click()
    const hit = alice.getByRole('list', { name: 'Search results' }).locator('li.hit')
    await hit.first().waitFor(WAIT)
    await shot(alice, '04-search')
    assert.equal(await hit.count(), 1)
    assert.equal(await hit.locator('.snippet').textContent(), '我们明天开会讨论季度路线图')
    assert.deepEqual(await hit.locator('mark').allTextContents(), ['路线图'])
    // A word inside the sentence: the marked range is exactly the word, not a character more or less.
    await alice.getByLabel('Search messages').fill('开会')
    await alice.getByRole('search').getByRole('button', { name: 'Search' }).click()
    await hit.locator('mark', { hasText: '开会' }).waitFor(WAIT)
    assert.deepEqual(await hit.locator('mark').allTextContents(), ['开会'])
    assert.equal(await hit.locator('.snippet').textContent(), '我们明天开会讨论季度路线图')
  })

  test('analytics draws its charts from the history: the numbers the endpoints give, in the chosen time zone', async () => {
    await sinkCaughtUp(sink)
    await alice.getByRole('link', { name: 'Analytics' }).click()
    await alice.getByLabel('Time zone').fill('Asia/Shanghai')
    await alice.getByRole('button', { name: 'Show' }).click()
    const figure = (name: string) => alice.getByRole('figure', { name })
    await figure('Busiest hours (Asia/Shanghai)').waitFor(WAIT)
    const table = async (name: string) => {
      await figure(name).getByText('Data').click()
      return figure(name)
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')))
    }
    const perDay = await table('Messages per day')
    const busiest = await table('Busiest conversations')
    const admin = (path: string) => call(`${s.url}/v1/admin/analytics/${path}`, 'GET', s.serviceToken)
    const expected = (await admin('messages-per-day?tz=Asia/Shanghai')).body.days.map((d: { day: string; messages: number }) => [d.day, String(d.messages)])
    assert.deepEqual(perDay, expected, 'the chart shows the endpoint’s days')
    const sent = perDay.reduce((n, [, count]) => n + Number(count), 0)
    assert.ok(sent >= 6, `the messages of this test are counted: ${sent}`)
    assert.deepEqual(busiest[0], [conv, String(sent)])
    const drawn = await figure('Messages per day')
      .locator('canvas')
      .evaluate((canvas: HTMLCanvasElement) => {
        const { width, height } = canvas
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data
        let painted = 0
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++
        return painted
      })
    assert.ok(drawn > 100, `the canvas is drawn on: ${drawn} painted pixels`)

    await alice.getByLabel(/Query/).fill('SELECT count() AS n FROM messages')
    await alice.getByRole('button', { name: 'Run' }).click()
    await alice.getByText('1 row(s)').waitFor(WAIT)
    await shot(alice, '05-analytics')
  })

  test('audit: a conversation export verifies in the page, and a changed one names its first bad seq', async () => {
    await alice.getByRole('link', { name: 'Audit' }).click()
    // The analytics page is still there for a moment after the click, and its "Busiest conversations" figure also matches the label.
    await alice.getByRole('heading', { name: 'Audit', level: 1 }).waitFor(WAIT)
    await alice.getByLabel('Conversation').fill(conv)
    await alice.getByRole('button', { name: 'Export and verify' }).click()
    const verdict = alice.locator('.verdict')
    await verdict.waitFor(WAIT)
    assert.match((await verdict.textContent()) ?? '', /^verified: 1 conversation\(s\)/)
    await shot(alice, '06-audit-verified')

    const bobClient = new SeqlineClient({ url: s.url, token: await s.token('bob') })
    const hello = (await bobClient.events(conv, { from: 1, limit: 100 })).find(
      (e) => e.type === 'message.sent' && JSON.stringify(e.data).includes('hello bob'),
    )!
    const box = alice.getByLabel(/Export \(NDJSON/)
    const original = await box.inputValue()
    await box.fill(original.replace('hello bob', 'hello rob'))
    await alice.getByRole('button', { name: 'Verify this text' }).click()
    await verdict.filter({ hasText: 'NOT VERIFIED' }).waitFor(WAIT)
    assert.match((await verdict.textContent()) ?? '', new RegExp(`^NOT VERIFIED: first bad ${conv} seq ${hello.seq} `))
    await shot(alice, '06-audit-tampered')
  })

  test('operations shows health, readiness and the projection lag; a phone-sized screen needs no sideways scrolling', async () => {
    await alice.getByRole('link', { name: 'Operations' }).click()
    await alice.locator('.probes').getByText('yes').first().waitFor(WAIT)
    await alice.getByRole('cell', { name: 'projection (conversations)' }).waitFor(WAIT)
    await shot(alice, '07-operations')

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    t.defer(() => phone.close())
    const page = await phone.newPage()
    const seen = collectErrors(page)
    await page.goto(`${s.url}/`)
    await page.getByLabel('User token').fill(await s.token('bob'))
    await page.getByLabel('User token').press('Enter')
    await status(page).filter({ hasText: 'online' }).waitFor(WAIT)
    await openConversation(page, 'alice')
    await messages(page).filter({ hasText: 'hello bob' }).waitFor(WAIT)
    await shot(page, '08-phone-chat')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `no sideways scrolling on a phone: ${overflow} px too wide`)
    assert.deepEqual([...seen, ...errors.flat()], [], 'no page errors, no CSP violations, no server errors')
  })

  test('groups: created with a member, an unread mention in his inbox, muted (his send refused, naming the rule), dissolved', async () => {
    await alice.getByRole('link', { name: 'Chat' }).click()
    await status(alice).filter({ hasText: 'online' }).waitFor(WAIT)
    await alice.getByText('New conversation').click()
    await alice.getByLabel('Group name').fill('Team')
    await alice.getByLabel('Members').fill('bob')
    await alice.getByRole('button', { name: 'Create group' }).click()
    await alice.getByRole('heading', { name: 'Team' }).waitFor(WAIT)
    await send(alice, '@bob please look')
    await messages(alice).filter({ hasText: '@bob please look' }).waitFor(WAIT)

    // bob is still in his conversation with alice: the group waits in his inbox, unread, mentioning him.
    const row = bob.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Team/ })
    await row.locator('.badge', { hasText: '1 unread' }).waitFor(WAIT)
    await row.locator('.mention').waitFor(WAIT)
    await shot(bob, '09-group-unread-mention-bob')

    await alice.getByText('Manage group').click()
    await alice.getByRole('button', { name: 'Mute group' }).click()
    await alice.getByRole('button', { name: 'Unmute group' }).waitFor(WAIT)
    await row.click()
    await messages(bob).filter({ hasText: '@bob please look' }).waitFor(WAIT)
    await bob.locator('.conversation .tag', { hasText: 'muted' }).waitFor(WAIT)
    await send(bob, 'may I speak?')
    await bob.getByRole('alert').filter({ hasText: 'GROUP_MUTED' }).waitFor(WAIT)
    assert.deepEqual(await texts(bob), ['@bob please look'], 'nothing was sent')

    await alice.getByRole('button', { name: 'Dissolve group' }).click()
    await alice.getByRole('button', { name: 'Confirm: dissolve for good' }).click()
    await bob.locator('.conversation .tag', { hasText: 'dissolved' }).waitFor(WAIT)
    await shot(bob, '09-group-dissolved-bob')
    assert.equal(await bob.getByLabel('Message', { exact: true }).isDisabled(), true, 'a dissolved group takes no message')
  })
})
