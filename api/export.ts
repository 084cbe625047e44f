import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'

/** Lines are written in chunks of about this size rather than one write per event. */
const CHUNK_CHARS = 64 * 1024

/** Streams lines (events, and in audit exports the records of erased seqs and the head line) as NDJSON. */
export function sendNdjson(reply: FastifyReply, events: AsyncIterable<object>) {
  return reply.type('application/x-ndjson').send(Readable.from(lines(events)))
}

async function* lines(events: AsyncIterable<object>): AsyncGenerator<string> {
  let chunk = ''
  for await (const event of events) {
    chunk += `${JSON.stringify(event)}\n`
    if (chunk.length < CHUNK_CHARS) continue
    yield chunk
    chunk = ''
  }
  if (chunk) yield chunk
}
