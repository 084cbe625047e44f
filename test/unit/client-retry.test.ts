import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RestClient, SeqlineError } from '../../client/src/index.js'

/** A fetch that answers each call with the next of `answers`, recording the bodies it was sent. */
function scripted(answers: Array<'network' | { status: number; body: unknown }>) {
  const bodies: Array<{ id: string }> = []
  const fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    bodies.push(JSON.parse(String(init?.body)) as { id: string })
    const answer = answers.shift()
    if (answer === undefined || answer === 'network') throw new TypeError('fetch failed')
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } })
  }
  return { fetch: fetch as typeof globalThis.fetch, bodies }
}

const accepted = { status: 202, body: { seq: 7, duplicate: false } }
const unavailable = { status: 503, body: { error: { code: 'LOG_UNAVAILABLE', message: 'no answer from the log' } } }
const refused = { status: 403, body: { error: { code: 'NOT_A_MEMBER', message: 'not a member' } } }

test('a command is retried with the same id after a network failure or an unavailable log, until it is answered', async () => {
  const { fetch, bodies } = scripted(['network', unavailable, accepted])
  const client = new RestClient({ url: 'http://seqline.invalid', token: 't', fetch })
  const result = await client.text('g_team', 'hello')
  assert.equal(result.seq, 7)
  assert.equal(bodies.length, 3)
  assert.equal(new Set(bodies.map((b) => b.id)).size, 1, 'every attempt carries the same command id')
})

test('a refusal is not retried', async () => {
  const { fetch, bodies } = scripted([refused, accepted])
  const client = new RestClient({ url: 'http://seqline.invalid', token: 't', fetch })
  await assert.rejects(client.text('g_team', 'hello'), (err: unknown) => err instanceof SeqlineError && err.code === 'NOT_A_MEMBER')
  assert.equal(bodies.length, 1)
})

test('attempts bounds the tries, and the last failure is what the caller sees', async () => {
  const { fetch, bodies } = scripted(['network', 'network', 'network'])
  const client = new RestClient({ url: 'http://seqline.invalid', token: 't', fetch, attempts: 2 })
  await assert.rejects(client.text('g_team', 'hello'), (err: unknown) => err instanceof SeqlineError && err.code === 'NETWORK')
  assert.equal(bodies.length, 2)
})
