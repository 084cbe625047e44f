/** What a deliverer has done since this process started it: the figures its metrics show. */
export class DeliveryStats {
  /** Batches the receiver took (2xx). */
  batches = 0
  /** Events in those batches. */
  events = 0
  /** Attempts that failed (non-2xx, timeout, refused connection, redirect). */
  failures = 0
  /** Batches parked after their maximum age, and the events in them. */
  parked = 0
  parkedEvents = 0
  /** The last failure, until a batch is delivered again. */
  lastError: { message: string; at: number } | null = null
  lastDeliveredAt: number | null = null
}
