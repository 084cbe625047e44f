import type { RestClient } from './rest.js'
import type { SeqlineEvent, ThreadPage, ThreadSummary } from './schema.js'

/** Where the thread endpoints live. */
const threadPath = (conv: string, root: number) => `/v1/conversations/${conv}/threads/${root}`

/** The summary of the thread under the message at `root`: live replies, the last one, participants, whether I took part. */
export function threadSummary(client: RestClient, conv: string, root: number): Promise<ThreadSummary> {
  return client.request('GET', threadPath(conv, root))
}

/** One page of a thread's replies; pass the answer's `next` as `from` for the following page. */
export function threadReplies(
  client: RestClient,
  conv: string,
  root: number,
  page: { from?: number; limit?: number; direction?: 'forward' | 'backward' } = {},
): Promise<Omit<ThreadPage, 'replies'> & { replies: SeqlineEvent[] }> {
  const query = Object.entries(page).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${encodeURIComponent(String(v))}`]))
  return client.request('GET', `${threadPath(conv, root)}/replies${query.length ? `?${query.join('&')}` : ''}`)
}
