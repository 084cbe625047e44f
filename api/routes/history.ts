import { ClickHouseError } from '@clickhouse/client'
import type { HistoryDb, SearchScope, StoredHit } from '../../projections/history/index.js'
import {
  AnalystSqlRefused,
  activeSenders,
  analystQuery,
  busiestConversations,
  busiestHours,
  firstReply,
  messagesPerDay,
  messagesPerKind,
  present,
  type SearchPage,
  SearchQueryError,
  search,
  sendersPerDay,
} from '../../projections/history/index.js'
import {
  ActiveSenders,
  ActiveSendersQuery,
  AnalyticsQuery,
  BusiestConversations,
  BusiestHours,
  ErrorBody,
  FirstReply,
  MessagesPerDay,
  MessagesPerKind,
  SearchQuery,
  SearchResult,
  SendersPerDay,
  SqlRequest,
  SqlResult,
} from '../../schemas/index.js'
import { visibleTo } from '../authorize.js'
import type { ApiDeps, TypedApp } from '../deps.js'
import { ApiError, validationFailed } from '../errors.js'

const failures = { '4xx': ErrorBody, '5xx': ErrorBody }
const config = { errors: ['HISTORY_UNAVAILABLE'] as const }
/** Analyst SQL: ClickHouse's refusals, named. */
const sqlConfig = {
  errors: ['HISTORY_UNAVAILABLE', 'SQL_READ_ONLY', 'SQL_OUTSIDE_HISTORY', 'SQL_TOO_MANY_ROWS', 'SQL_TIMEOUT', 'SQL_TOO_MUCH_MEMORY', 'SQL_ERROR'] as const,
}

/** GET /v1/search: a user's full-text search of the conversations they may read. */
export function userHistoryRoutes(app: TypedApp, deps: ApiDeps): void {
  app.get('/v1/search', {
    config,
    schema: {
      summary: 'Full-text search of your conversations (former ones up to when you left), newest first',
      tags: ['search'],
      querystring: SearchQuery,
      response: { 200: SearchResult, ...failures },
    },
    handler: async (request) => {
      const { db } = historyOf(deps)
      const scope = await userScope(deps, request.user)
      const page = await reachable(() => pageOf(db, scope, request.query))
      return present({ ...page, hits: await keepVisible(deps, request.user, page.hits) })
    },
  })
}

/** Admin search over everything, analytics, and raw read-only SQL for analysts. */
export function adminHistoryRoutes(app: TypedApp, deps: ApiDeps): void {
  const tags = ['analytics']
  const security = [{ service: [] }]
  app.get('/v1/admin/search', {
    config,
    schema: { summary: 'Full-text search of every conversation', tags, security, querystring: SearchQuery, response: { 200: SearchResult, ...failures } },
    handler: async (request) => present(await reachable(() => pageOf(historyOf(deps).db, { all: true }, request.query))),
  })

  app.get('/v1/admin/analytics/messages-per-day', {
    config,
    schema: { summary: 'Messages sent per calendar day in tz', tags, security, querystring: AnalyticsQuery, response: { 200: MessagesPerDay, ...failures } },
    handler: async (request) => {
      const query = request.query
      return { tz: query.tz, days: await analytics(query, () => messagesPerDay(historyOf(deps).db, query)) }
    },
  })

  app.get('/v1/admin/analytics/senders-per-day', {
    config,
    schema: { summary: 'Distinct senders per calendar day in tz', tags, security, querystring: AnalyticsQuery, response: { 200: SendersPerDay, ...failures } },
    handler: async (request) => {
      const query = request.query
      return { tz: query.tz, days: await analytics(query, () => sendersPerDay(historyOf(deps).db, query)) }
    },
  })

  app.get('/v1/admin/analytics/active-senders', {
    config,
    schema: {
      summary: 'Daily, weekly or monthly active senders: distinct users who sent a message in each calendar period of tz',
      tags,
      security,
      querystring: ActiveSendersQuery,
      response: { 200: ActiveSenders, ...failures },
    },
    handler: async (request) => {
      const query = request.query
      return { tz: query.tz, period: query.period, periods: await analytics(query, () => activeSenders(historyOf(deps).db, query, query.period)) }
    },
  })

  app.get('/v1/admin/analytics/messages-per-kind', {
    config,
    schema: {
      summary: 'Messages and active conversations per conversation kind (direct, group)',
      tags,
      security,
      querystring: AnalyticsQuery,
      response: { 200: MessagesPerKind, ...failures },
    },
    handler: async (request) => ({ kinds: await analytics(request.query, () => messagesPerKind(historyOf(deps).db, request.query)) }),
  })

  app.get('/v1/admin/analytics/first-reply', {
    config,
    schema: {
      summary: 'Median time to first reply in direct conversations opened in a time range',
      tags,
      security,
      querystring: AnalyticsQuery,
      response: { 200: FirstReply, ...failures },
    },
    handler: async (request) => analytics(request.query, () => firstReply(historyOf(deps).db, request.query)),
  })

  app.get('/v1/admin/analytics/busiest-hours', {
    config,
    schema: {
      summary: 'Messages per hour of the day in tz, busiest first',
      tags,
      security,
      querystring: AnalyticsQuery,
      response: { 200: BusiestHours, ...failures },
    },
    handler: async (request) => {
      const query = request.query
      return { tz: query.tz, hours: await analytics(query, () => busiestHours(historyOf(deps).db, query)) }
    },
  })

  app.get('/v1/admin/analytics/busiest-conversations', {
    config,
    schema: {
      summary: 'Conversations with the most messages in a time range',
      tags,
      security,
      querystring: AnalyticsQuery,
      response: { 200: BusiestConversations, ...failures },
    },
    handler: async (request) => {
      const query = request.query
      return { conversations: await analytics(query, () => busiestConversations(historyOf(deps).db, query, query.limit)) }
    },
  })

  app.post('/v1/admin/sql', {
    config: sqlConfig,
    schema: {
      summary: 'One read-only SELECT over the history database, with time and row limits (embedded chDB or a ClickHouse server)',
      tags,
      security,
      body: SqlRequest,
      response: { 200: SqlResult, ...failures },
    },
    handler: async (request) => {
      const { db, sqlLimits } = historyOf(deps)
      try {
        const rows = await analystQuery(db, request.body.sql, sqlLimits)
        return { rows, rowCount: rows.length }
      } catch (err) {
        throw sqlRefusal(err)
      }
    },
  })
}

function historyOf(deps: ApiDeps): NonNullable<ApiDeps['history']> {
  if (!deps.history) throw new ApiError(503, 'HISTORY_UNAVAILABLE', 'this process has no history store configured')
  return deps.history
}

/** A page of a search; a query that cannot be run as sent is refused naming its field. */
async function pageOf(db: HistoryDb, scope: SearchScope, query: SearchQuery): Promise<SearchPage> {
  try {
    return await search(db, scope, query)
  } catch (err) {
    if (!(err instanceof SearchQueryError)) throw err
    throw validationFailed([{ field: `/querystring/${err.field}`, rule: err.rule, message: err.message }])
  }
}

/** The conversations a user may search, as the views know them: members fully, former members up to their leave seq. */
async function userScope(deps: ApiDeps, user: string): Promise<SearchScope> {
  const convs = await deps.views.conversationsOf(user)
  const members: string[] = []
  const former: Array<{ conv: string; left: number }> = []
  for (const [conv, c] of Object.entries(convs)) {
    if (c.left === undefined) members.push(conv)
    else former.push({ conv, left: c.left })
  }
  return { user, members, former }
}

/**
 * Checks every hit against the conversation state writes are decided on: the
 * views may lag a kick by a moment, and a search must not show what the user
 * could no longer pull.
 */
async function keepVisible(deps: ApiDeps, user: string, hits: StoredHit[]): Promise<StoredHit[]> {
  const convs = [...new Set(hits.map((h) => h.conv))]
  const visible = await Promise.all(
    convs.map((conv) =>
      visibleTo(deps, conv, user).then(
        (v) => v.head,
        () => 0,
      ),
    ),
  )
  const heads = new Map(convs.map((conv, i) => [conv, visible[i]!]))
  return hits.filter((h) => h.seq <= (heads.get(h.conv) ?? 0))
}

/** An analyst's SQL error goes back to them, named; the server's codes decide the status. */
function sqlRefusal(err: unknown): unknown {
  if (err instanceof AnalystSqlRefused) {
    return err.code === 'SQL_READ_ONLY' ? new ApiError(403, 'SQL_READ_ONLY', err.message) : new ApiError(403, 'SQL_OUTSIDE_HISTORY', err.message)
  }
  const code = clickhouseCode(err)
  if (code === null) return unreachable(err)
  const message = (err as Error).message
  if (code === 164) return new ApiError(403, 'SQL_READ_ONLY', `only read queries are allowed: ${message}`)
  if (code === 396 || code === 158) return new ApiError(400, 'SQL_TOO_MANY_ROWS', message)
  if (code === 159) return new ApiError(400, 'SQL_TIMEOUT', message)
  if (code === 241) return new ApiError(400, 'SQL_TOO_MUCH_MEMORY', message)
  return new ApiError(400, 'SQL_ERROR', message)
}

/**
 * The ClickHouse error code of a failed query, or null when the failure was not
 * ClickHouse's. Old servers' messages do not parse into a ClickHouseError, so
 * the code is read from the text ("Code: 164, ...").
 */
function clickhouseCode(err: unknown): number | null {
  if (err instanceof ClickHouseError) return Number(err.code)
  const match = /Code: (\d+)/.exec((err as Error)?.message ?? '')
  return match ? Number(match[1]) : null
}

/**
 * Runs an analytics read: a range that ends before it starts is refused, and a time zone
 * the ClickHouse behind the history cannot load (its tz database may lag Node's) is refused
 * naming tz, like any other bad field.
 */
async function analytics<T>(query: { from?: number; to?: number; tz: string }, read: () => Promise<T>): Promise<T> {
  if (query.from !== undefined && query.to !== undefined && query.to < query.from) {
    throw validationFailed([{ field: '/querystring/to', rule: 'to-after-from', message: `to (${query.to}) is before from (${query.from})` }])
  }
  try {
    return await reachable(read)
  } catch (err) {
    if (!/Cannot load time zone/.test((err as Error)?.message ?? '')) throw err
    throw validationFailed([{ field: '/querystring/tz', rule: 'format', message: `tz ${query.tz} is not a time zone the history's ClickHouse knows` }])
  }
}

/** Runs a history read; a ClickHouse that cannot be reached is a 503, not a 500. */
async function reachable<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (err) {
    throw unreachable(err)
  }
}

function unreachable(err: unknown): unknown {
  if (err instanceof ApiError || err instanceof ClickHouseError) return err
  const code = (err as { code?: string }).code
  if (code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)$/.test(code)) {
    return new ApiError(503, 'HISTORY_UNAVAILABLE', `ClickHouse cannot be reached (${code})`)
  }
  if ((err as Error).message?.includes('Timeout error')) return new ApiError(503, 'HISTORY_UNAVAILABLE', 'ClickHouse did not answer in time')
  return err
}
