// integrations/hooks: its public entry. Before-hooks: the platform's services asked about a command before it is stored.
export { HookStore, viewOf } from './hook-store.js'
export { LiveHooks } from './live-hooks.js'
