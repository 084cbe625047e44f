// An example bot for Seqline: it answers `/echo <text>` with the text and
// `/time` with the time, in any conversation it is a member of. Seqline POSTs
// it every event of those conversations, signed; it verifies each POST and
// answers through the ordinary REST API with the token minted for it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../../integrations/outbound/index.js'

export interface EchoBotOptions {
  /** The bot's user id: its own messages are not answered. */
  user: string
  /** Seqline's API, e.g. http://127.0.0.1:8080. */
  seqlineUrl: string
  /** A user token minted for the bot (POST /v1/admin/tokens). */
  token: string
  /** The secret registered with the bot (PUT /v1/admin/users/{user} {bot: {url, secret}}). */
  secret: string
  port?: number
  host?: string
}

interface Delivered {
  id: string
  type: string
  conv: string
  actor: string
  bot?: true
  data: { content?: { type: string; text?: string } }
}

export interface RunningBot {
  url: string
  /** Commands answered so far. */
  answered: number
  close(): Promise<void>
}

/** The answer to a message, or null when it is not a command the bot knows. */
export function answerTo(text: string, now = new Date()): string | null {
  const echo = /^\/echo\s+([\s\S]+)$/.exec(text.trim())
  if (echo) return echo[1]!
  if (text.trim() === '/time') return now.toISOString()
  return null
}

export async function startEchoBot(opts: EchoBotOptions): Promise<RunningBot> {
  const bot: RunningBot = { url: '', answered: 0, close: async () => undefined }
  const server = createServer((req, res) => void handle(req, res, opts, bot))
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve))
  bot.url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}/seqline`
  bot.close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return bot
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: EchoBotOptions, bot: RunningBot): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks).toString('utf8')
  // Verify the raw body before parsing it: a wrong or stale signature is refused, and Seqline retries.
  const check = verifySignature(opts.secret, req.headers['seqline-signature'] as string | undefined, body)
  if (!check.ok) return void res.writeHead(401).end(check.reason)
  try {
    for (const event of (JSON.parse(body) as { events: Delivered[] }).events) await answer(event, opts, bot)
    res.writeHead(200).end()
  } catch {
    // Not answered: a non-2xx makes Seqline deliver the batch again; the replies' ids make that safe.
    res.writeHead(503).end()
  }
}

async function answer(event: Delivered, opts: EchoBotOptions, bot: RunningBot): Promise<void> {
  if (event.type !== 'message.sent' || event.actor === opts.user || event.bot) return
  const text = event.data.content?.type === 'text' ? event.data.content.text : undefined
  const reply = text === undefined ? null : answerTo(text)
  if (reply === null) return
  // The command id comes from the event answered: a redelivered event gets the stored reply back, not a second one.
  const res = await fetch(`${opts.seqlineUrl}/v1/conversations/${event.conv}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: `echo-${event.id}`, content: { type: 'text', text: reply } }),
  })
  if (!res.ok) throw new Error(`reply refused: ${res.status} ${await res.text()}`)
  bot.answered++
}
