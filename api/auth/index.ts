// api/auth: its public entry. Other parts import from here, not from the files behind it.
export { bearer, requireService, requireUser } from './guards.js'
export { Tokens, Unauthorized } from './tokens.js'
export { USERS_BUCKET, UserDirectory, type UserRecord as StoredUser } from './users.js'
