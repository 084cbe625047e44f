import Type from 'typebox'
import { EpochMs } from './ids.js'

// Times in query strings: epoch milliseconds, or an ISO 8601 date-time that says where it is
// (Z or an offset). A time without a zone names a different instant in every zone, so it is
// refused rather than read in the server's zone (Date.parse's choice); so is a date that does
// not exist (Date.parse moves 2026-02-30 to March 2).

/** The format of a time zone parameter: an IANA name (Asia/Shanghai, UTC). */
export const TIME_ZONE_FORMAT = 'time-zone'

/** Where one of the examples below must be written with %2B: a '+' in a query string is a space. */
const EXAMPLE = '2026-12-01T00:00:00Z, 2026-12-01T08:00:00+08:00 (+ sent as %2B), or 1796083200000'

/**
 * A time in a query string. The text converter (text-values.ts) turns either form into epoch
 * milliseconds before the schema is checked, so handlers always get a number.
 */
export const Time = Type.Unsafe<number>(
  Type.Union(
    [
      EpochMs,
      Type.String({
        format: 'date-time',
        description: 'ISO 8601 date-time with Z or an offset; seconds and fractions optional, kept to the millisecond',
      }),
    ],
    { description: `epoch milliseconds or an ISO 8601 date-time with a zone: ${EXAMPLE}`, examples: ['2026-12-01T00:00:00Z'] },
  ),
)

export const TimeZone = Type.String({
  format: TIME_ZONE_FORMAT,
  maxLength: 64,
  default: 'UTC',
  description: 'IANA time zone that days, weeks, months and hours are counted in, such as Asia/Shanghai',
  examples: ['Asia/Shanghai'],
})

export type TimeReading = { ms: number } | { problem: string }

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?$/i
const SPACED_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)? \d{2}(?::?\d{2})?$/i
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** Epoch milliseconds from either form a time may take (decimal digits, or ISO 8601 with a zone), or why the text is neither. */
export function readTime(text: string): TimeReading {
  if (!/^\d+$/.test(text)) return parseIsoTime(text)
  const ms = Number(text)
  return Number.isSafeInteger(ms) ? { ms } : { problem: `is more milliseconds than a date can hold` }
}

/** Epoch milliseconds from an ISO 8601 date-time with a zone, or why the text is not one. */
function parseIsoTime(text: string): TimeReading {
  const m = ISO.exec(text)
  if (!m) return { problem: whyNotIso(text) }
  const [year, month, day, hour, minute, second = 0] = m.slice(1, 7).map((part) => Number(part ?? 0)) as number[]
  const wrong = wrongField(year!, month!, day!, hour!, minute!, second)
  if (wrong) return { problem: `is not a real time: ${wrong}` }
  const offset = offsetMinutes(m[8]!)
  if (offset === undefined) return { problem: `has an offset ${m[8]} that is not one: hours up to 23, minutes up to 59` }
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3))
  // setUTCFullYear, as Date.UTC would read years 0-99 as 1900-1999.
  const date = new Date(0)
  date.setUTCFullYear(year!, month! - 1, day!)
  date.setUTCHours(hour!, minute!, second, ms)
  return { ms: date.getTime() - offset * 60_000 }
}

/** The clearest reason a text that is not epoch milliseconds is no ISO time either. */
function whyNotIso(text: string): string {
  if (DATE_ONLY.test(text)) return `is a date without a time and zone: write ${text}T00:00:00Z for UTC, or an offset such as ${text}T00:00:00%2B08:00`
  if (LOCAL.test(text)) return 'has no zone, so it names a different instant in every zone: end it with Z or an offset such as +08:00 (%2B08:00 in a URL)'
  if (SPACED_OFFSET.test(text)) return "has a space where its offset's + belongs: a + in a query string means a space, so send it as %2B"
  return `must be epoch milliseconds or an ISO 8601 date-time with a zone, such as ${EXAMPLE}`
}

function wrongField(year: number, month: number, day: number, hour: number, minute: number, second: number): string | undefined {
  if (month < 1 || month > 12) return `there is no month ${month}`
  const days = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !leap(year) ? 1 : 0)
  if (day < 1 || day > days) return `month ${month} of ${year} has no day ${day}`
  if (hour > 23) return `hour ${hour} is past 23`
  if (minute > 59) return `minute ${minute} is past 59`
  if (second > 59) return `second ${second} is past 59 (leap seconds are not counted in epoch time)`
  return undefined
}

const leap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

/** Minutes east of UTC, or undefined for an offset out of range. */
function offsetMinutes(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z') return 0
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = Number(digits.slice(2) || 0)
  if (hours > 23 || minutes > 59) return undefined
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes)
}

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/
const zones = new Map<string, string>()

/**
 * The IANA time zone a name stands for, spelled as the tz database spells it (ClickHouse
 * reads zones by file name, so case matters there), or undefined when there is none.
 * Node's ICU decides what exists; offsets like +08:00 are not zone names.
 */
export function timeZoneNamed(name: string): string | undefined {
  const known = zones.get(name)
  if (known !== undefined) return known
  if (!ZONE_NAME.test(name)) return undefined
  let resolved: string
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
  // ICU answers with its canonical name (Asia/Kolkata becomes Asia/Calcutta): kept only when it is the same name in other case.
  const zone = resolved.toLowerCase() === name.toLowerCase() ? resolved : name
  // Only names that exist are kept: the map is bounded by the tz database.
  zones.set(name, zone)
  return zone
}
