// api/routes: its public entry. Other parts import from here, not from the files behind it.
export { adminRoutes } from './admin.js'
export { commandRoutes } from './commands.js'
export { healthRoutes } from './health.js'
export { adminHistoryRoutes, userHistoryRoutes } from './history.js'
export { readRoutes } from './reads.js'
export { webhookRoutes } from './webhooks.js'
