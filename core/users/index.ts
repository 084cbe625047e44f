// core/users: its public entry. Other parts import from here, not from the files behind it.
export { UserLog } from './user-log.js'
