// A chat bot on @seqline/client: registers itself, answers `ping`, `roll` and `time` in every
// conversation it is in, and resumes after a restart from the positions it saved in a file.
//
//   npm start                                   # prints the service token
//   SEQLINE_SERVICE_TOKEN=... node examples/node-bot/bot.mjs
//   # then, as any user: open a direct conversation with `helpbot` and send "ping"

import { SeqlineClient } from '@seqline/client'
import { SeqlineAdmin } from '@seqline/client/admin'
import { FileStore } from '@seqline/client/node'

const url = process.env.SEQLINE_URL ?? 'http://127.0.0.1:8080'
const me = process.env.BOT_USER ?? 'helpbot'
const state = process.env.BOT_STATE ?? `.${me}`
const serviceToken = process.env.SEQLINE_SERVICE_TOKEN
if (!serviceToken) throw new Error('set SEQLINE_SERVICE_TOKEN (npm start prints it)')

// Node 22+ and browsers have a WebSocket; on Node 20 take ws's, or run with --experimental-websocket.
const WebSocket = globalThis.WebSocket ?? (await import('ws')).WebSocket

const admin = new SeqlineAdmin({ url, token: serviceToken })
await admin.putUser(me, { name: 'Help bot' })
const client = new SeqlineClient({ url, token: async () => (await admin.mintToken(me)).token })

const answers = {
  ping: () => 'pong',
  roll: () => `you rolled ${1 + Math.floor(Math.random() * 6)}`,
  time: () => new Date().toISOString(),
}

const live = client.connect({
  WebSocket,
  positions: new FileStore(`${state}/positions.json`),
  outbox: new FileStore(`${state}/outbox.json`),
  // A first start answers nothing old: it takes only the last event of each conversation.
  latest: 1,
})
let synced = false
live.on('synced', () => {
  if (!synced) console.log(`${me} is online`)
  synced = true
})
live.on('event', (event) => {
  if (event.type !== 'message.sent' || event.actor === me || event.data.content.type !== 'text') return
  const word = event.data.content.text.trim().toLowerCase()
  const text = (answers[word] ?? (() => `I answer ${Object.keys(answers).join(', ')}`))()
  live
    .sendCommand({ type: 'message.send', conv: event.conv, data: { content: { type: 'text', text }, replyTo: event.seq } })
    .catch((err) => console.error(err.message))
})
const stop = async () => {
  await live.flushed()
  live.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
