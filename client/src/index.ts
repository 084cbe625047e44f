/*
 * @seqline/client: the user API of Seqline, for Node 20+ and browsers.
 *
 *   import { SeqlineClient } from '@seqline/client'
 *   import { WebSocket } from 'ws'                                      // Node 20 only; browsers and Node 22+ have their own
 *
 *   const client = new SeqlineClient({ url: 'http://127.0.0.1:8080', token: () => fetchTokenFromYourBackend() })
 *   const { conv } = await client.openDirect('bob')
 *   const live = client.connect({ WebSocket, positions: new IndexedDbStore('positions:alice') })  // resumes where it was
 *   live.on('event', (e) => render(e))                                  // once per (conv, seq), in seq order
 *   await live.sendCommand({ type: 'message.send', conv, data: { content: { type: 'text', text: 'hi' } } })
 *
 * The admin API (service credential) is `@seqline/client/admin`; file stores for Node are `@seqline/client/node`.
 */
import { RestClient } from './rest.js'
import { SeqlineSocket, type SocketOptions } from './socket.js'

export { block, blocked, unblock } from './blocks.js'
export { type ChannelSetup, Channels } from './channels.js'
export { SeqlineError } from './errors.js'
export type { HttpOptions, Query } from './http.js'
export { ConversationOrder, Ordering } from './ordering.js'
export { PinCalls, ReactionCalls } from './reactions.js'
export { type Accepted, READ_PATHS, RestClient, type RestOptions, type SearchOptions, type WithId } from './rest.js'
export type * from './schema.js'
export { type Ack, type OutgoingCommand, type QueuedCommand, SeqlineSocket, type SocketEvents, type SocketOptions } from './socket.js'
export { type IdbFactory, IndexedDbStore, MemoryStore, type Store } from './stores.js'
export { threadReplies, threadSummary } from './threads.js'
export type { FetchLike, SocketConstructor, SocketLike, TokenSource } from './transport.js'
export type * from './types.js'

/** The REST API as typed calls, and connect() for the live socket, for one user. */
export class SeqlineClient extends RestClient {
  /** Opens the live socket (reconnecting until close()); same URL and token as the REST calls unless overridden. */
  connect(options: Omit<SocketOptions, 'url' | 'token'> & Partial<Pick<SocketOptions, 'url' | 'token'>> = {}): SeqlineSocket {
    return new SeqlineSocket({ url: this.base, token: this.http.options.token, ...options })
  }
}
