import type { RestClient } from './rest.js'
import type { BlockAnswer, BlockList } from './schema.js'

/** Blocks a user: they can no longer open, or write in, our direct conversation (docs/blocking.md). Idempotent. */
export function block(client: RestClient, user: string): Promise<BlockAnswer> {
  return client.request('PUT', `/v1/users/me/blocks/${user}`)
}

/** Unblocks a user. Idempotent. */
export function unblock(client: RestClient, user: string): Promise<BlockAnswer> {
  return client.request('DELETE', `/v1/users/me/blocks/${user}`)
}

/** The users I block; nobody else sees this list. */
export function blocked(client: RestClient): Promise<BlockList> {
  return client.request('GET', '/v1/users/me/blocks')
}
