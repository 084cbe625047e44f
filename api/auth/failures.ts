/**
 * Failed authentications per client IP, in a one-minute window. Requests that
 * fail to authenticate are refused before the rate limiter counts them, so
 * without this anyone could guess at credentials as fast as they liked.
 */
export class AuthFailures {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True when the IP has used up its failures for this minute. */
  blocked(ip: string): boolean {
    const w = this.windows.get(ip)
    return w !== undefined && this.clock() - w.start < 60_000 && w.count >= this.perMinute
  }

  record(ip: string): void {
    const now = this.clock()
    const w = this.windows.get(ip)
    if (!w || now - w.start >= 60_000) this.windows.set(ip, { start: now, count: 1 })
    else w.count++
    if (this.windows.size > 100_000) this.forgetOld(now)
  }

  private forgetOld(now: number): void {
    for (const [ip, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(ip)
  }
}
