import type { LiveDelivery } from '../../schemas/index.js'

/** Tunables of the WebSocket gateway; tests shrink the timings. */
export interface GatewayOptions {
  /** How often the server pings; a connection that has not answered the previous ping by then is terminated. */
  heartbeatMs: number
  /** More bad frames than this within badFrameWindowMs closes the connection (1008). */
  badFrameLimit: number
  badFrameWindowMs: number
  /** Largest frame accepted; a larger one closes the connection (1009, by ws). */
  maxFrameBytes: number
  /** A connection whose unsent output exceeds this is too slow to keep: it is terminated and resyncs on reconnect. */
  maxBufferedBytes: number
  /** Commands per connection and minute; beyond, commands are answered RATE_LIMITED. Defaults to the REST limit. */
  commandsPerMinute?: number
  /** Conversations read at once while serving a sync. */
  syncConcurrency: number
  /** Typing notices forwarded per conversation and connection: at most one per this interval. */
  typingIntervalMs: number
  /** How long a new connection waits for the views to reach the live stream before it is refused (1011). */
  viewsWaitMs: number
  /** Where live events come from: the whole log, or the conversations of this process's sockets (api/ws/interest-feed.ts). */
  liveDelivery: LiveDelivery
  /** With interest: how often every subscribed conversation's head is compared with what was delivered, for copies lost without a reconnect. */
  liveCheckMs: number
  /** How often this process renews its part of the cluster-wide online record (integrations/presence). */
  presenceHeartbeatMs: number
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  heartbeatMs: 30_000,
  badFrameLimit: 20,
  badFrameWindowMs: 10_000,
  maxFrameBytes: 128 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  syncConcurrency: 8,
  typingIntervalMs: 1000,
  viewsWaitMs: 5000,
  presenceHeartbeatMs: 5000,
  liveDelivery: 'log',
  liveCheckMs: 30_000,
}
