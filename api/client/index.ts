/*
 * Usage (Node 20: pass `ws`'s WebSocket; browsers have their own):
 *
 *   import { WebSocket } from 'ws'
 *   import { SeqlineClient } from 'seqline/api/client/index.js'
 *
 *   const client = new SeqlineClient({ url: 'http://127.0.0.1:8080', token: () => fetchTokenFromYourBackend() })
 *   const { conv } = await client.openDirect('bob')
 *   const live = client.connect({ WebSocket, have: loadPositions() })  // syncs what it missed on every (re)connect
 *   live.on('event', (e) => render(e))                                 // once per (conv, seq), in seq order
 *   live.on('typing', ({ conv, user }) => showTyping(conv, user))
 *   const ack = await live.sendCommand({ type: 'message.send', conv, data: { content: { type: 'text', text: 'hi' } } })
 *   savePositions(live.positions())                                    // { [conv]: highest seq held }
 */
import { RestClient, type RestOptions } from './rest.js'
import { SeqlineSocket, type SocketOptions } from './socket.js'

export { SeqlineError } from './errors.js'
export { ConversationOrder, Ordering } from './ordering.js'
export { type Accepted, type InboxRow, READ_PATHS, type Receipt, RestClient, type RestOptions, type WithId } from './rest.js'
export { type Ack, type OutgoingCommand, SeqlineSocket, type SocketEvents, type SocketOptions } from './socket.js'
export type { SocketConstructor, SocketLike, TokenSource } from './transport.js'

/** The REST API as typed calls, and connect() for the live socket, for one user. */
export class SeqlineClient extends RestClient {
  constructor(options: RestOptions) {
    super(options)
  }

  /** Opens the live socket (reconnecting until close()); same URL and token as the REST calls unless overridden. */
  connect(options: Omit<SocketOptions, 'url' | 'token'> & Partial<Pick<SocketOptions, 'url' | 'token'>> = {}): SeqlineSocket {
    return new SeqlineSocket({ url: this.base, token: this.options.token, ...options })
  }
}
