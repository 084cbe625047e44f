import { Http, type HttpOptions } from './http.js'
import { type Accepted, type SearchOptions, searchQuery } from './rest.js'
import type {
  ActiveSenders,
  BusiestConversations,
  BusiestHours,
  FirstReply,
  Mentions,
  MessageContent,
  MessagesPerDay,
  MessagesPerKind,
  MintedToken,
  SearchResult,
  SendersPerDay,
  SeqlineEvent,
  SqlResult,
  UserProfile,
  UserRecord,
} from './schema.js'

/*
 * @seqline/client/admin: the platform backend's calls, with the service
 * credential (SEQLINE_SERVICE_TOKEN). Never ship it to a browser or an app.
 *
 *   import { SeqlineAdmin } from '@seqline/client/admin'
 *   const admin = new SeqlineAdmin({ url: 'http://127.0.0.1:8080', token: process.env.SEQLINE_SERVICE_TOKEN! })
 *   await admin.putUser('alice', { name: 'Alice' })
 *   const { token } = await admin.mintToken('alice')
 */

/** The API's URL and the service credential. */
export type AdminOptions = HttpOptions

/** A time range and zone of the analytics endpoints; times are epoch ms or ISO 8601. */
export interface AnalyticsRange {
  from?: number | string
  to?: number | string
  conv?: string
  /** IANA time zone the days and hours are counted in (UTC by default). */
  tz?: string
  /** Rows of a top list. */
  limit?: number
}

/** What an audit export covers: one conversation (optionally within a time range), or a time range of the whole log. */
export type ExportRange =
  | { conv: string; since?: number | string; until?: number | string }
  | { conv?: undefined; since: number | string; until?: number | string }

export class SeqlineAdmin {
  private readonly http: Http

  constructor(options: AdminOptions) {
    this.http = new Http(options)
  }

  // ---- users and tokens ----

  /** Registers a user, or updates the profile of a registered one. */
  putUser(user: string, profile: UserProfile = {}): Promise<UserRecord> {
    return this.http.json('PUT', `/v1/admin/users/${user}`, profile)
  }

  getUser(user: string): Promise<UserRecord> {
    return this.http.json('GET', `/v1/admin/users/${user}`)
  }

  /** A user token for a registered user (when Seqline holds the signing secret). */
  mintToken(user: string, ttlSeconds?: number): Promise<MintedToken> {
    return this.http.json('POST', '/v1/admin/tokens', { user, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) })
  }

  /** A system message (actor @system), idempotent by id like every command. */
  systemMessage(conv: string, content: MessageContent, opts: { id?: string; mentions?: Mentions } = {}): Promise<Accepted> {
    return this.http.command('POST', `/v1/admin/conversations/${conv}/messages`, { ...opts, content })
  }

  // ---- audit, search, analytics, SQL ----

  /** The audit export as events: one conversation in seq order, or a time range of the whole log. */
  export(range: ExportRange): Promise<SeqlineEvent[]> {
    return this.http.ndjson('/v1/admin/export', { ...range })
  }

  /** Full-text search of every conversation. */
  search(q: string, options: SearchOptions = {}): Promise<SearchResult> {
    return this.http.json('GET', '/v1/admin/search', undefined, searchQuery(q, options))
  }

  messagesPerDay(range: AnalyticsRange = {}): Promise<MessagesPerDay> {
    return this.analytics('messages-per-day', range)
  }

  sendersPerDay(range: AnalyticsRange = {}): Promise<SendersPerDay> {
    return this.analytics('senders-per-day', range)
  }

  activeSenders(range: AnalyticsRange & { period?: 'day' | 'week' | 'month' } = {}): Promise<ActiveSenders> {
    return this.analytics('active-senders', range)
  }

  messagesPerKind(range: AnalyticsRange = {}): Promise<MessagesPerKind> {
    return this.analytics('messages-per-kind', range)
  }

  firstReply(range: AnalyticsRange = {}): Promise<FirstReply> {
    return this.analytics('first-reply', range)
  }

  busiestHours(range: AnalyticsRange = {}): Promise<BusiestHours> {
    return this.analytics('busiest-hours', range)
  }

  busiestConversations(range: AnalyticsRange = {}): Promise<BusiestConversations> {
    return this.analytics('busiest-conversations', range)
  }

  /** One read-only SELECT over the history database. */
  sql(sql: string): Promise<SqlResult> {
    return this.http.json('POST', '/v1/admin/sql', { sql })
  }

  // ---- hooks, webhooks, push, retention: their typed calls go here as those endpoints land ----

  /** Any admin call, for endpoints without a typed method yet. */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.http.json<T>(method, path, body)
  }

  private analytics<T>(name: string, range: AnalyticsRange & { period?: string }): Promise<T> {
    return this.http.json('GET', `/v1/admin/analytics/${name}`, undefined, { ...range })
  }
}

export { SeqlineError } from './errors.js'
export type { Accepted, SearchOptions } from './rest.js'
