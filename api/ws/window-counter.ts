/** Counts hits in fixed windows; says when a window holds more than its limit. */
export class WindowCounter {
  private start = 0
  private count = 0

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit; true when this window is now over the limit. */
  hit(now = Date.now()): boolean {
    if (now - this.start >= this.windowMs) {
      this.start = now
      this.count = 0
    }
    return ++this.count > this.limit
  }
}
