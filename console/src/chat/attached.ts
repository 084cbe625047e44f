import type { MessageReactions, Pins, SeqlineEvent, ThreadSummary } from '@seqline/client'

export type ReactionCount = MessageReactions['reactions'][number]

/**
 * What the server aggregates beside a conversation's events (docs/reactions-and-pins.md, threads.md,
 * channels.md): reaction counts per message, thread summaries per root, the pinned list, view counts of
 * channel posts. The console reads them from the API, never counts events itself.
 */
export interface Attached {
  reactions: Record<number, ReactionCount[]>
  threads: Record<number, ThreadSummary>
  pins: Pins
  views: Record<number, number>
}

export const emptyAttached = (): Attached => ({ reactions: {}, threads: {}, pins: [], views: {} })

/** What an event changes of the aggregates, to be read again: a message's reactions, a thread's summary, the pins. */
export interface Stale {
  reactions?: number
  threads?: number[]
  pins?: boolean
}

export function staleAfter(e: SeqlineEvent): Stale {
  switch (e.type) {
    case 'reaction.added':
    case 'reaction.removed':
      return { reactions: e.data.target }
    case 'message.pinned':
    case 'message.unpinned':
      return { pins: true }
    case 'message.sent':
      return e.data.thread ? { threads: [e.data.thread.root] } : {}
    // A message that goes takes its pin with it, and a reply that goes changes its thread's summary.
    case 'message.recalled':
    case 'message.burned':
      return { pins: true, threads: e.data.thread ? [e.data.thread] : [] }
    case 'content.erased':
      return { pins: true, threads: e.data.targets.flatMap((t) => (t.thread ? [t.thread] : [])) }
    default:
      return {}
  }
}
