// core/commands: its public entry. Other parts import from here, not from the files behind it.
export { AbandonedError, CommandHandler, ContentionError, type HandleResult, LogUnavailableError } from './command-handler.js'
