// Runs the echo bot: SEQLINE_URL, BOT_USER, BOT_TOKEN, BOT_SECRET and PORT from the environment.
import { startEchoBot } from './bot.js'

const env = (name: string) => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

const bot = await startEchoBot({
  user: env('BOT_USER'),
  seqlineUrl: env('SEQLINE_URL'),
  token: env('BOT_TOKEN'),
  secret: env('BOT_SECRET'),
  port: Number(process.env.PORT ?? 8090),
  host: process.env.HOST ?? '127.0.0.1',
})
console.log(`echo bot listening on ${bot.url}`)
process.once('SIGTERM', () => void bot.close())
process.once('SIGINT', () => void bot.close())
