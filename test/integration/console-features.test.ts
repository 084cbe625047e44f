// The console's reactions, threads, pins, channels and older history in Debian's Chromium, served by the
// API at `/` from the build (dist/console) against a real nats-server: what one user does, the other sees.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { SeqlineClient } from '../../client/src/index.js'
import { type ApiStack, startApiStack } from '../helpers/api.js'
import { artifactsDir, collectErrors, launchChromium } from '../helpers/browser.js'
import { withLogServer } from '../helpers/log.js'

const WAIT = { timeout: 20_000 }

describe('the console shows reactions, threads, pins, channels and older history, live for every user', () => {
  const t = withLogServer()
  let s: ApiStack
  let browser: Browser
  let shots: string
  let alice: Page
  let bob: Page
  let aliceApi: SeqlineClient
  const errors: string[][] = []

  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
  const main = (page: Page) => page.getByRole('list', { name: 'Messages' })
  const message = (page: Page, text: string) => main(page).locator('li.message').filter({ hasText: text })
  const texts = (page: Page) => main(page).locator('li.message .text').allTextContents()
  const seqOf = async (page: Page, text: string) => Number(await message(page, text).getAttribute('data-seq'))
  const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })
  const send = async (page: Page, text: string) => {
    await page.getByLabel('Message', { exact: true }).fill(text)
    await button(page, 'Send').click()
    await message(page, text).waitFor(WAIT)
  }
  const open = (page: Page, title: RegExp) => page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: title }).click()

  /** Signs a user in with a token in a fresh browser context; the page waits until its socket is online. */
  async function signIn(user: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport })
    t.defer(() => context.close())
    const page = await context.newPage()
    errors.push(collectErrors(page))
    await page.goto(`${s.url}/`)
    await page.getByLabel('User token').fill(await s.token(user))
    await button(page, 'Sign in with a token').click()
    await page.locator('.whoami .status').filter({ hasText: 'online' }).waitFor(WAIT)
    return page
  }

  before(async () => {
    s = await startApiStack(t, 'console_features')
    t.defer(() => s.stop())
    browser = await launchChromium()
    t.defer(() => browser.close())
    shots = artifactsDir('console-features')
    console.log(`# console screenshots in ${shots}`)
    aliceApi = new SeqlineClient({ url: s.url, token: await s.token('alice') })
    // The group the first tests share: alice owns it, bob is a member.
    await aliceApi.createGroup({ name: 'Crew', members: ['bob'] }, { conv: 'g_crew' })
    alice = await signIn('alice')
    bob = await signIn('bob')
    await open(alice, /Crew/)
    await open(bob, /Crew/)
  })

  test('two users react to a message: both see the counts, each sees their own highlighted, and a reaction taken back', async () => {
    await send(alice, 'react to me')
    const onBob = message(bob, 'react to me')
    await onBob.waitFor(WAIT)
    await onBob.getByLabel(/^Add a reaction to message/).click()
    await onBob.getByRole('button', { name: 'React 👍' }).click()
    const onAlice = message(alice, 'react to me')
    const thumbs = (item: typeof onAlice) => item.locator('.reactions button.reaction', { hasText: '👍' })
    await thumbs(onAlice).filter({ hasText: '👍 1' }).waitFor(WAIT)
    assert.equal(await thumbs(onAlice).getAttribute('aria-pressed'), 'false', "bob's reaction is not alice's")
    // alice adds hers by pressing the count bob's reaction shows her.
    await thumbs(onAlice).click()
    await thumbs(onBob).filter({ hasText: '👍 2' }).waitFor(WAIT)
    await thumbs(onAlice).filter({ hasText: '👍 2' }).waitFor(WAIT)
    assert.equal(await thumbs(onAlice).getAttribute('aria-pressed'), 'true')
    assert.equal(await thumbs(onBob).getAttribute('aria-pressed'), 'true')
    await shot(alice, '01-reactions-alice')
    await shot(bob, '01-reactions-bob')
    // bob takes his back: one left, alice's, still hers and no longer his.
    await thumbs(onBob).click()
    await thumbs(onAlice).filter({ hasText: '👍 1' }).waitFor(WAIT)
    await thumbs(onBob).filter({ hasText: '👍 1' }).waitFor(WAIT)
    assert.equal(await thumbs(onBob).getAttribute('aria-pressed'), 'false')
    assert.equal(await thumbs(onAlice).getAttribute('aria-pressed'), 'true')
  })

  test("a reply in a thread shows in the other user's thread pane, the root shows its summary, the conversation stays flat", async () => {
    await send(alice, 'thread root')
    const root = await seqOf(alice, 'thread root')
    await message(bob, 'thread root').waitFor(WAIT)
    await button(bob, `Reply in thread to message ${root}`).click()
    const bobPane = bob.getByRole('region', { name: 'Thread' })
    await bobPane.getByText('No replies yet.').waitFor(WAIT)
    await bobPane.getByLabel('Reply').fill('a reply from bob')
    await button(bob, 'Send reply').click()
    await bobPane.getByRole('list', { name: 'Replies' }).getByText('a reply from bob').waitFor(WAIT)

    // alice sees the summary under the root and opens the thread from it.
    const summary = message(alice, 'thread root').locator('.thread-summary')
    await summary.filter({ hasText: '1 reply' }).filter({ hasText: 'bob: a reply from bob' }).waitFor(WAIT)
    await summary.click()
    const alicePane = alice.getByRole('region', { name: 'Thread' })
    await alicePane.getByRole('list', { name: 'Replies' }).getByText('a reply from bob').waitFor(WAIT)
    await alicePane.getByLabel('Reply').fill('and one from alice')
    await button(alice, 'Send reply').click()
    // bob's open pane gets alice's reply live, after his.
    const bobReplies = bobPane.getByRole('list', { name: 'Replies' }).locator('li.message .text')
    await bobPane.getByText('and one from alice').waitFor(WAIT)
    assert.deepEqual(await bobReplies.allTextContents(), ['a reply from bob', 'and one from alice'])
    await message(bob, 'thread root').locator('.thread-summary', { hasText: '2 replies' }).waitFor(WAIT)
    await shot(alice, '02-thread-alice')
    await shot(bob, '02-thread-bob')
    assert.ok(!(await texts(bob)).includes('a reply from bob'), 'replies stay in the thread, out of the conversation')
    await button(alice, 'Close the thread').click()
    await button(bob, 'Close the thread').click()
  })

  test('the owner pins a message and both see it pinned at the top; a member may not pin; unpinned, it leaves both lists', async () => {
    await send(alice, 'pin me')
    const seq = await seqOf(alice, 'pin me')
    await message(bob, 'pin me').waitFor(WAIT)
    assert.equal(await button(bob, `Pin message ${seq}`).count(), 0, 'a member of a group is offered no pin')
    await button(alice, `Pin message ${seq}`).click()
    const pins = (page: Page) => page.getByRole('region', { name: 'Pinned messages' })
    await pins(bob).locator('li.pin', { hasText: 'pin me' }).filter({ hasText: 'pinned by alice' }).waitFor(WAIT)
    await pins(alice).locator('li.pin', { hasText: 'pin me' }).waitFor(WAIT)
    await message(bob, 'pin me').locator('.tag.pinned').waitFor(WAIT)
    await shot(bob, '03-pinned-bob')
    await button(alice, `Unpin message ${seq} from the pinned list`).click()
    await pins(bob).waitFor({ state: 'detached', ...WAIT })
    await pins(alice).waitFor({ state: 'detached', ...WAIT })
    await message(alice, 'pin me')
      .locator('.tag.pinned')
      .waitFor({ state: 'detached', ...WAIT })
  })

  test('channels: alice creates an open one, bob joins and cannot post, and her post shows its view count rising when he reads', async () => {
    await alice.getByText('New conversation').click()
    await alice.getByLabel('Channel name').fill('News')
    await button(alice, 'Create channel').click()
    await alice.getByRole('heading', { name: 'News' }).waitFor(WAIT)
    const conv = (await alice.locator('.conversation .conv-id').textContent()) ?? ''
    assert.match(conv, /^c_/)

    await bob.getByText('New conversation').click()
    await bob.getByLabel('Join channel').fill(conv)
    await button(bob, 'Join').click()
    await bob.getByRole('heading', { name: 'News' }).waitFor(WAIT)
    // bob looks elsewhere while alice posts: her post is seen by her alone.
    await open(bob, /Crew/)
    await send(alice, 'v2 is out')
    const views = message(alice, 'v2 is out').getByRole('status')
    await views.filter({ hasText: /^1 view$/ }).waitFor(WAIT)
    // bob opens the channel and so reads the post: alice's count rises without her doing anything.
    await open(bob, /News/)
    await message(bob, 'v2 is out').waitFor(WAIT)
    await views.filter({ hasText: /^2 views$/ }).waitFor(WAIT)
    await bob.getByText("only the channel's owner and admins post here").waitFor(WAIT)
    assert.equal(await bob.getByLabel('Message', { exact: true }).isDisabled(), true, "a subscriber's composer is closed")
    assert.equal(await button(bob, 'Send').isDisabled(), true)
    await shot(alice, '04-channel-alice')
    await shot(bob, '04-channel-bob')
  })

  test('a conversation longer than the latest 100 pages older history in by seq, with the button and by scrolling up', async () => {
    const total = 160
    await aliceApi.createGroup({ name: 'Archive', members: ['carol'] }, { conv: 'g_archive' })
    for (let i = 1; i <= total; i++) await aliceApi.text('g_archive', `old ${i}`)
    // carol's page holds nothing of it: it starts with the latest 100 events (seqs 62..161).
    const carol = await signIn('carol')
    await open(carol, /Archive/)
    const exactly = (text: string) => main(carol).locator('li.message .text', { hasText: new RegExp(`^${text}$`) })
    await exactly(`old ${total}`).waitFor(WAIT)
    const shown = async () => (await texts(carol)).map((text) => Number(text.replace('old ', '')))
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
    assert.deepEqual(await shown(), range(61, total), 'the latest 100 events: seq 62 (old 61) to the head')

    await button(carol, 'Older messages').click()
    await exactly('old 11').waitFor(WAIT)
    assert.deepEqual(await shown(), range(11, total), 'one page of 50 seqs before them')
    await shot(carol, '05-older-page')

    await main(carol).evaluate((list) => {
      list.scrollTop = 0
    })
    await exactly('old 1').waitFor(WAIT)
    assert.deepEqual(await shown(), range(1, total), 'scrolled to the top: the rest, each once, in order')
    assert.equal(await button(carol, 'Older messages').count(), 0, 'nothing older is left')
    // A live message still lands at the end.
    await aliceApi.text('g_archive', 'new one')
    await message(carol, 'new one').waitFor(WAIT)
    assert.equal((await texts(carol)).at(-1), 'new one')
  })

  test('on a phone-sized screen the thread, the reactions and the pins need no sideways scrolling; no page error happened', async () => {
    const phone = await signIn('bob', { width: 390, height: 844 })
    await open(phone, /Crew/)
    const seq = await seqOf(phone, 'thread root')
    await button(phone, `Reply in thread to message ${seq}`).click()
    await phone.getByRole('region', { name: 'Thread' }).getByText('a reply from bob').waitFor(WAIT)
    await message(phone, 'react to me').locator('button.reaction').waitFor(WAIT)
    await aliceApi.pins.pin('g_crew', seq)
    await phone.getByRole('region', { name: 'Pinned messages' }).locator('li.pin', { hasText: 'thread root' }).waitFor(WAIT)
    await shot(phone, '06-phone-thread')
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `no sideways scrolling on a phone: ${overflow} px too wide`)
    assert.deepEqual(errors.flat(), [], 'no page errors, no CSP violations, no server errors')
  })
})
