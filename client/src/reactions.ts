import type { Http } from './http.js'
import type { Accepted, WithId } from './rest.js'
import type { MessageReactions, Pins } from './schema.js'

const message = (conv: string, seq: number) => `/v1/conversations/${conv}/messages/${seq}`

/** Reactions on messages: add and take back one's own; read a message's aggregates (a page of events carries them too). */
export class ReactionCalls {
  constructor(private readonly http: Http) {}

  /** Reacts with a key (an emoji or a short name); once per key and message. */
  add(conv: string, seq: number, key: string, opts: WithId = {}): Promise<Accepted> {
    return this.http.command<Accepted>('POST', `${message(conv, seq)}/reactions`, { id: opts.id, key })
  }

  remove(conv: string, seq: number, key: string, opts: WithId = {}): Promise<Accepted> {
    return this.http.command<Accepted>('POST', `${message(conv, seq)}/reactions/remove`, { id: opts.id, key })
  }

  /** Counts per key, whether I react with each, the latest reactors. */
  of(conv: string, seq: number): Promise<MessageReactions> {
    return this.http.json('GET', `${message(conv, seq)}/reactions`)
  }
}

/** Pinned messages: pin, unpin, and the ordered list with who pinned and when. */
export class PinCalls {
  constructor(private readonly http: Http) {}

  pin(conv: string, seq: number, opts: WithId = {}): Promise<Accepted> {
    return this.http.command<Accepted>('POST', `${message(conv, seq)}/pin`, { id: opts.id })
  }

  unpin(conv: string, seq: number, opts: WithId = {}): Promise<Accepted> {
    return this.http.command<Accepted>('POST', `${message(conv, seq)}/unpin`, { id: opts.id })
  }

  list(conv: string): Promise<Pins> {
    return this.http.json('GET', `/v1/conversations/${conv}/pins`)
  }
}
