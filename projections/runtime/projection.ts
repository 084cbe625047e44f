import type { Followed } from '../../core/log/index.js'
import type { ViewStore } from './view-store.js'

/**
 * A read model: an evolve(view, event) over the log in order. apply() must
 * load every record it needs first and then change them without awaiting, so
 * that an event is either wholly applied in memory or not at all; and it must
 * be idempotent per record (each record remembers the last seq it applied),
 * because events after the last checkpoint are delivered again after a crash.
 */
export interface Projection {
  readonly name: string
  apply(followed: Followed, store: ViewStore): Promise<void>
}
