// core/commands: its public entry. Other parts import from here, not from the files behind it.
export type { BeforeHook, BeforeHooks, HookContext, HookVerdict } from './before-hooks.js'
export {
  AbandonedError,
  CommandHandler,
  ContentionError,
  type HandleResult,
  type HookRefusal,
  LogUnavailableError,
} from './command-handler.js'
export { WRITES_SUBJECT } from './forwarded.js'
export { PartitionWriter } from './partition-writer.js'
export { type ForwardStats, WriteForwarder } from './write-forwarder.js'
