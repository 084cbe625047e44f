/**
 * What the log's reads have cost, counted where the lookups are made, so a
 * test or a benchmark measures the reads the log really does rather than
 * watching an object the log may stop using.
 */
export class ReadStats {
  /** Direct gets: head lookups, probes of the seq locator, short reads. */
  directGets = 0
  /** Ordered consumers created to stream a range. */
  consumers = 0
  /** The lowest stream position a direct get asked for (Infinity when none did): how far back the reads reached. */
  lowestPosition = Infinity

  /** Counts one direct get; `position` is the stream position it asked for, if it asked by position. */
  directGet(position?: number): void {
    this.directGets++
    if (position !== undefined && position < this.lowestPosition) this.lowestPosition = position
  }

  consumer(): void {
    this.consumers++
  }

  reset(): void {
    this.directGets = 0
    this.consumers = 0
    this.lowestPosition = Infinity
  }
}
