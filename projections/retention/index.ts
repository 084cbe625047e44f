// projections/retention: its public entry. Other parts import from here, not from the files behind it.
export { AUDIT_STREAM, AuditLog, type AuditRecord } from './audit-log.js'
export { RetentionSettings } from './defaults.js'
export { RetentionSweeper } from './sweeper.js'
export { type ErasureSummary, UserErasure } from './user-erasure.js'
export { userExport } from './user-export.js'
