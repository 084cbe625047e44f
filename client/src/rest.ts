import { Http, type HttpOptions } from './http.js'
import { PinCalls, ReactionCalls } from './reactions.js'
import type { Accepted as AcceptedBody, EventPage, Inbox, Mentions, MessageContent, Receipt, SearchResult, SeqlineEvent, SyncResult } from './schema.js'
import type { CommandData as Data } from './types.js'

export type Accepted = Omit<AcceptedBody, 'event'> & { event?: SeqlineEvent }

/** Where the read endpoints live, in one place. */
export const READ_PATHS = {
  events: (conv: string) => `/v1/conversations/${conv}/events`,
  inbox: () => '/v1/inbox',
  receipts: (conv: string, seq: number) => `/v1/conversations/${conv}/messages/${seq}/receipts`,
  search: () => '/v1/search',
  sync: () => '/v1/sync',
  export: (conv: string) => `/v1/conversations/${conv}/export`,
}

export type RestOptions = HttpOptions

/** Optional idempotency id: pass the same one to retry a command safely. */
export interface WithId {
  id?: string
}

/** What a search asks: the words, and optionally where and when to look (see docs/api.md). */
export interface SearchOptions {
  mode?: 'all' | 'any' | 'phrase'
  /** Only these conversations. */
  conv?: string[]
  sender?: string
  kind?: Array<'text' | 'image' | 'file' | 'custom'>
  /** Epoch ms or an ISO 8601 time. */
  from?: number | string
  to?: number | string
  limit?: number
  /** The `next` of the previous page. */
  cursor?: string
}

/** Typed calls of the REST API, for the user the token names. */
export class RestClient {
  protected readonly http: Http

  constructor(options: RestOptions) {
    this.http = new Http(options)
  }

  /** Reactions: `client.reactions.add(conv, seq, '👍')`, `.remove(...)`, `.of(conv, seq)`. */
  get reactions(): ReactionCalls {
    return new ReactionCalls(this.http)
  }

  /** Pins: `client.pins.pin(conv, seq)`, `.unpin(...)`, `.list(conv)`. */
  get pins(): PinCalls {
    return new PinCalls(this.http)
  }

  /** The API's base URL, without a trailing slash. */
  get base(): string {
    return this.http.base
  }

  /** `thread`: reply in the thread under the message at that seq (docs/threads.md). */
  send(conv: string, content: MessageContent, opts: WithId & { mentions?: Mentions; replyTo?: number; thread?: number } = {}): Promise<Accepted> {
    const { id, ...rest } = opts
    return this.command('POST', `/v1/conversations/${conv}/messages`, { id, content, ...rest })
  }

  /** Shorthand for a text message. */
  text(conv: string, text: string, opts: WithId = {}): Promise<Accepted> {
    return this.send(conv, { type: 'text', text }, opts)
  }

  edit(conv: string, seq: number, content: MessageContent, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/conversations/${conv}/messages/${seq}/edit`, { id: opts.id, content })
  }

  recall(conv: string, seq: number, opts: WithId & { erase?: boolean } = {}): Promise<Accepted> {
    return this.command('POST', `/v1/conversations/${conv}/messages/${seq}/recall`, { ...opts })
  }

  /** Marks the conversation read up to a seq. */
  read(conv: string, upTo: number, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/conversations/${conv}/read`, { id: opts.id, upTo })
  }

  deleteForMe(conv: string, targets: number[], opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/conversations/${conv}/delete-for-me`, { id: opts.id, targets })
  }

  /** Burn after read on a direct conversation: messages sent from now on burn `seconds` after the recipient reads them. */
  configureBurn(conv: string, data: Data<'burn.configure'>, opts: WithId = {}): Promise<Accepted> {
    return this.command('PUT', `/v1/conversations/${conv}/burn`, { id: opts.id, ...data })
  }

  /** My offline-push setting in a conversation: all, mentions or none, optionally until a time (private to me). */
  configureNotifications(conv: string, data: Data<'notifications.configure'>, opts: WithId = {}): Promise<Accepted> {
    return this.command('PUT', `/v1/conversations/${conv}/notifications`, { id: opts.id, ...data })
  }

  /** The group's own retention policy (owner): keep content `days` days; null drops it and the default of groups applies. */
  configureGroupRetention(conv: string, days: number | null, opts: WithId = {}): Promise<Accepted> {
    return this.command('PUT', `/v1/groups/${conv}/retention`, { id: opts.id, days })
  }

  /** Opens the direct conversation with a peer (created once, then returned). */
  openDirect(peer: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', '/v1/conversations/direct', { id: opts.id, peer })
  }

  /** Creates a group; its id is `conv` when given, else derived from the command id. */
  createGroup(data: Data<'group.create'>, opts: WithId & { conv?: string } = {}): Promise<Accepted> {
    return this.command('POST', '/v1/groups', { ...opts, ...data })
  }

  invite(conv: string, users: string[], opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/invite`, { id: opts.id, users })
  }

  join(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/join`, { id: opts.id })
  }

  leave(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/leave`, { id: opts.id })
  }

  kick(conv: string, user: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/members/${user}/kick`, { id: opts.id })
  }

  changeRole(conv: string, user: string, role: Data<'group.change-role'>['role'], opts: WithId = {}): Promise<Accepted> {
    return this.command('PUT', `/v1/groups/${conv}/members/${user}/role`, { id: opts.id, role })
  }

  transfer(conv: string, to: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/transfer`, { id: opts.id, to })
  }

  updateGroup(conv: string, info: Data<'group.update-info'>, opts: WithId = {}): Promise<Accepted> {
    return this.command('PATCH', `/v1/groups/${conv}`, { id: opts.id, ...info })
  }

  muteGroup(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/mute`, { id: opts.id })
  }

  unmuteGroup(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/unmute`, { id: opts.id })
  }

  muteMember(conv: string, user: string, seconds: number, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/members/${user}/mute`, { id: opts.id, seconds })
  }

  unmuteMember(conv: string, user: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/members/${user}/unmute`, { id: opts.id })
  }

  dissolve(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/dissolve`, { id: opts.id })
  }

  /** Events by seq range (erased seqs are absent). */
  async events(conv: string, range: { from: number; limit?: number; direction?: 'forward' | 'backward' }): Promise<SeqlineEvent[]> {
    return (await this.page(conv, range)).events
  }

  /** Events by seq range with the head and the erased seqs of the range, as the endpoint answers. */
  async page(
    conv: string,
    range: { from: number; limit?: number; direction?: 'forward' | 'backward'; threadReplies?: 'include' | 'exclude' },
  ): Promise<Omit<EventPage, 'events'> & { events: SeqlineEvent[] }> {
    return this.http.json('GET', READ_PATHS.events(conv), undefined, range)
  }

  inbox(): Promise<Inbox> {
    return this.http.json('GET', READ_PATHS.inbox())
  }

  /** Who has read a message and who has not, a page of members at a time: pass the answer's `next` as `after` for the next page. */
  receipts(conv: string, seq: number, page: { after?: string; limit?: number } = {}): Promise<Receipt> {
    return this.http.json('GET', READ_PATHS.receipts(conv, seq), undefined, page)
  }

  /** Full-text search of the user's conversations, newest first (needs the history store). */
  search(q: string, options: SearchOptions = {}): Promise<SearchResult> {
    return this.http.json('GET', READ_PATHS.search(), undefined, searchQuery(q, options))
  }

  /** Conversations with activity since a cursor (the previous answer's `cursor`), with their max seq: what to pull. */
  sync(since?: number): Promise<SyncResult> {
    return this.http.json('GET', READ_PATHS.sync(), undefined, { since })
  }

  /** Every event of the conversation the user may see, in seq order. */
  export(conv: string): Promise<SeqlineEvent[]> {
    return this.http.ndjson(READ_PATHS.export(conv))
  }

  /** Any call of the API with this client's credential, for endpoints without a typed method yet. */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.http.json<T>(method, path, body)
  }

  protected command(method: string, path: string, body: { id?: string } & Record<string, unknown>): Promise<Accepted> {
    return this.http.command<Accepted>(method, path, body)
  }
}

/** The query string of a search: lists comma-separated, as the endpoint takes them. */
export function searchQuery(q: string, options: SearchOptions): Record<string, string | number | undefined> {
  const { conv, kind, ...rest } = options
  return { q, ...rest, conv: conv?.join(','), kind: kind?.join(',') }
}
