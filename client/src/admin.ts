import { Http, type HttpOptions } from './http.js'
import { type Accepted, type SearchOptions, searchQuery, type WithId } from './rest.js'
import type {
  ActiveSenders,
  BusiestConversations,
  BusiestHours,
  ErasureAnswer,
  FirstReply,
  HookList,
  HookSettings,
  HookView,
  Mentions,
  MessageContent,
  MessagesPerDay,
  MessagesPerKind,
  MintedToken,
  PushTarget,
  PushTargetBody,
  ReplayAccepted,
  ReplayBody,
  RetentionDefaults,
  SearchResult,
  SendersPerDay,
  SeqlineEvent,
  SqlResult,
  UserExportLine,
  UserProfile,
  UserRecord,
  WebhookBody,
  WebhookDeleted,
  WebhookList,
  WebhookState,
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

/** A request body whose fields with a server-side default may be left out. */
type Defaulted<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>

/** PUT /v1/admin/hooks/{name}: timeoutMs (1000) and order (0) have defaults. */
export type HookInput = Defaulted<HookSettings, 'timeoutMs' | 'order'>

/** PUT /v1/admin/push: delaySeconds defaults to 0. */
export type PushTargetInput = Defaulted<PushTargetBody, 'delaySeconds'>

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

  // ---- before-hooks (docs/hooks.md) ----

  /** Creates or changes a before-hook; in effect on every Seqline process at once. */
  putHook(name: string, settings: HookInput): Promise<HookView> {
    return this.http.json('PUT', `/v1/admin/hooks/${name}`, settings)
  }

  /** Every before-hook, in the order they run (never their secrets). */
  async listHooks(): Promise<HookView[]> {
    return (await this.http.json<HookList>('GET', '/v1/admin/hooks')).hooks
  }

  getHook(name: string): Promise<HookView> {
    return this.http.json('GET', `/v1/admin/hooks/${name}`)
  }

  /** Removes a before-hook; answers with what was removed. */
  deleteHook(name: string): Promise<HookView> {
    return this.http.json('DELETE', `/v1/admin/hooks/${name}`)
  }

  // ---- webhooks (docs/webhooks.md) ----

  /** Creates or changes a webhook; delivery starts without a restart. */
  putWebhook(name: string, body: WebhookBody): Promise<WebhookState> {
    return this.http.json('PUT', `/v1/admin/webhooks/${name}`, body)
  }

  /** Every webhook with its state: position, lag, last error, parked batches. */
  async listWebhooks(): Promise<WebhookState[]> {
    return (await this.http.json<WebhookList>('GET', '/v1/admin/webhooks')).webhooks
  }

  getWebhook(name: string): Promise<WebhookState> {
    return this.http.json('GET', `/v1/admin/webhooks/${name}`)
  }

  deleteWebhook(name: string): Promise<WebhookDeleted> {
    return this.http.json('DELETE', `/v1/admin/webhooks/${name}`)
  }

  /** Delivers again from a time (ISO 8601) or a log position; the receiver dedupes by event id. */
  replayWebhook(name: string, from: ReplayBody['from']): Promise<ReplayAccepted> {
    return this.http.json('POST', `/v1/admin/webhooks/${name}/replay`, { from })
  }

  // ---- offline push (docs/push.md) ----

  /** Sets where offline pushes go; in effect at once. */
  putPush(target: PushTargetInput): Promise<PushTarget> {
    return this.http.json('PUT', '/v1/admin/push', target)
  }

  /** The push target (never its secret) and how far delivery has got. */
  getPush(): Promise<PushTarget> {
    return this.http.json('GET', '/v1/admin/push')
  }

  /** Stops offline push. */
  async deletePush(): Promise<void> {
    await this.http.json('DELETE', '/v1/admin/push')
  }

  // ---- retention, erasure and a user's export (docs/retention.md) ----

  /** The default retention of each conversation kind (days; null keeps content). */
  getRetention(): Promise<RetentionDefaults> {
    return this.http.json('GET', '/v1/admin/retention')
  }

  setRetention(defaults: RetentionDefaults): Promise<RetentionDefaults> {
    return this.http.json('PUT', '/v1/admin/retention', defaults)
  }

  /** A conversation's own policy (days; null drops it and its kind's default applies), idempotent by id. */
  setConversationRetention(conv: string, days: number | null, opts: WithId = {}): Promise<Accepted> {
    return this.http.command('PUT', `/v1/admin/conversations/${conv}/retention`, { id: opts.id, days })
  }

  /**
   * Erases the content of every message the user sent. Waits up to `waitSeconds` (the server's default
   * when absent) for the erasure; a `pending` answer means it goes on and completes regardless.
   */
  eraseUser(user: string, opts: { waitSeconds?: number } = {}): Promise<ErasureAnswer> {
    return this.http.json('POST', `/v1/admin/users/${user}/erase`, undefined, { wait: opts.waitSeconds })
  }

  /** A user's memberships, then every message and edit they sent (a data-subject request); audited. */
  exportUser(user: string): Promise<UserExportLine[]> {
    return this.http.ndjson(`/v1/admin/users/${user}/export`)
  }

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
