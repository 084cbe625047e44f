import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Debian's Chromium, headless, as the machines have it (playwright cannot download browsers here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** Where screenshots go: $SEQLINE_ARTIFACTS, by default <tmpdir>/seqline-artifacts; outside git either way unless pointed inside. */
export function artifactsDir(suite: string): string {
  const dir = join(process.env.SEQLINE_ARTIFACTS ?? join(tmpdir(), 'seqline-artifacts'), suite)
  mkdirSync(dir, { recursive: true })
  return dir
}

/**
 * What went wrong in a page, to assert there was nothing: uncaught errors, console errors (a CSP
 * violation is one) and server errors (5xx). A 4xx the page asked for knowingly (a user looked up
 * before registering) is the API answering, and Chromium's console line for it names no URL, so
 * failed loads are judged by their responses instead.
 */
export function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(`console: ${message.text()}`)
  })
  page.on('response', (response) => {
    if (response.status() >= 500) errors.push(`${response.status()} ${response.url()}`)
  })
  return errors
}
