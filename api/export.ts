import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'

/** Lines are written in chunks of about this size rather than one write per event. */
const CHUNK_CHARS = 64 * 1024

/** One JSON value per line: events, or any other records. */
export function sendNdjson(reply: FastifyReply, events: AsyncIterable<unknown>) {
  return reply.type('application/x-ndjson').send(Readable.from(lines(events)))
}

async function* lines(events: AsyncIterable<unknown>): AsyncGenerator<string> {
  let chunk = ''
  for await (const event of events) {
    chunk += `${JSON.stringify(event)}\n`
    if (chunk.length < CHUNK_CHARS) continue
    yield chunk
    chunk = ''
  }
  if (chunk) yield chunk
}

/** NDJSON already written (an audit export passes stored events through as bytes). */
export function sendNdjsonBytes(reply: FastifyReply, chunks: AsyncIterable<Uint8Array>) {
  return reply.type('application/x-ndjson').send(Readable.from(chunks))
}
