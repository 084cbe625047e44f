// projections/history: its public entry. Other parts import from here, not from the files behind it.

export { AnalystSqlRefused, checkScope } from './analyst-scope.js'
export { type AnalystLimits, analystQuery } from './analyst-sql.js'
export { activeSenders, busiestConversations, busiestHours, firstReply, messagesPerDay, messagesPerKind, sendersPerDay } from './analytics.js'
export { HistoryBatch } from './batch.js'
export { HistoryDb } from './history-db.js'
export { HistoryWriter } from './history-writer.js'
export { MIGRATIONS, migrate, schemaVersion } from './migrations.js'
export { type SearchRequest, type SearchScope, type StoredHit, searchMessages } from './search.js'
export { present, type SearchPage, SearchQueryError, search } from './search-page.js'
export { HistorySink } from './sink.js'
export { terms as searchTerms } from './words.js'
