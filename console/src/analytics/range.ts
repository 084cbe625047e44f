import type { AnalyticsRange } from '@seqline/client/admin'

/** The browser's own time zone: the default a person expects days to be counted in. */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

/** A few zones to pick from; any IANA name may be typed. */
export const ZONES = ['UTC', 'Asia/Shanghai', 'Asia/Tokyo', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Los_Angeles']

const DAY_MS = 86_400_000

/**
 * The range the form describes: calendar dates in the chosen zone, the end date included. The API takes
 * instants (`to` exclusive), so each date becomes the instant its day starts in that zone.
 */
export function rangeOf(from: string, to: string, tz: string): AnalyticsRange {
  const zone = tz || 'UTC'
  return {
    ...(from ? { from: startOfDay(from, zone) } : {}),
    ...(to ? { to: startOfDay(new Date(Date.parse(to) + DAY_MS).toISOString().slice(0, 10), zone) } : {}),
    tz: zone,
  }
}

/** The last `days` days up to today in the zone the days are counted in, as the form's dates. */
export function lastDays(days: number, tz: string, now = Date.now()): { from: string; to: string } {
  // en-CA writes dates as YYYY-MM-DD. "Today" is the zone's: at 16:30 UTC it is already tomorrow in Shanghai.
  const date = (at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: tz || 'UTC' }).format(at)
  return { from: date(now - (days - 1) * DAY_MS), to: date(now) }
}

/** Epoch ms at which a calendar date (YYYY-MM-DD) begins in a time zone. */
function startOfDay(date: string, tz: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`)
  // The zone's offset at that moment, then once more at the corrected moment (a DST change may lie between).
  const first = utcMidnight - offsetOf(utcMidnight, tz)
  return utcMidnight - offsetOf(first, tz)
}

/** How far ahead of UTC a zone's wall clock is at an instant, in ms. */
function offsetOf(at: number, tz: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  )
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  return wall - Math.floor(at / 1000) * 1000
}
