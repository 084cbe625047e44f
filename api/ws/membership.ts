import { membershipChange } from '../../core/domain/index.js'
import type { SeqlineEvent } from '../../schemas/index.js'

interface Known {
  member: boolean
  /** The seq this is known as of; for a former member, the seq of the event that removed them. */
  asOf: number
}

/**
 * What one connection knows of its user's memberships. It starts from the
 * inbox view and follows the log's membership events; each fact carries the
 * seq it holds as of, so a late or replayed older event never undoes a newer one.
 */
export class Membership {
  private readonly known = new Map<string, Known>()

  constructor(readonly user: string) {}

  /** Records what a view says, unless something newer is known already. */
  seed(conv: string, member: boolean, asOf: number): void {
    const k = this.known.get(conv)
    if (k && k.asOf >= asOf) return
    this.known.set(conv, { member, asOf })
  }

  /** Whether a view's fact is news: newer than what is known, and not what is known. */
  isNews(conv: string, member: boolean, asOf: number): boolean {
    const k = this.known.get(conv)
    if (k && k.asOf >= asOf) return false
    return (k?.member ?? false) !== member
  }

  isMember(conv: string): boolean {
    return this.known.get(conv)?.member === true
  }

  /** Applies an event of the log; returns the new membership when the event changed it, else null. */
  apply(event: SeqlineEvent): boolean | null {
    const change = membershipChange(event)
    const joins = change.added.includes(this.user)
    if (!joins && !change.removed.includes(this.user)) return null
    const k = this.known.get(event.conv)
    if (k && event.seq <= k.asOf) return null
    this.known.set(event.conv, { member: joins, asOf: event.seq })
    return (k?.member ?? false) === joins ? null : joins
  }

  /** Every conversation to sync and its last seq: undefined (the head) for members, the leave seq for former members. */
  *targets(): Iterable<[string, number | undefined]> {
    for (const [conv, k] of this.known) yield [conv, k.member ? undefined : k.asOf]
  }

  /** Conversations the user is a member of now. */
  *current(): Iterable<string> {
    for (const [conv, k] of this.known) if (k.member) yield conv
  }
}
