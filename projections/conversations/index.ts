// projections/conversations: its public entry. Other parts import from here, not from the files behind it.
export { conversationsProjection } from './apply.js'
export { BurnExecutor } from './burn-executor.js'
export type { InboxRow } from './inbox.js'
export { previewOf } from './preview.js'
export { openBurnEraser, openConversationsProjector, openConversationsShares } from './processors.js'
export { CONVERSATIONS_BUCKET, type ConversationRetention, ConversationViews } from './views.js'
