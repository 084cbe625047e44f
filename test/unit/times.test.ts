// Times and time zones as a client writes them in a query string (schemas/times.ts).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { readTime, timeZoneNamed } from '../../schemas/times.js'

const ms = (text: string) => {
  const read = readTime(text)
  assert.ok('ms' in read, `${text}: ${JSON.stringify(read)}`)
  return read.ms
}
const problem = (text: string) => {
  const read = readTime(text)
  assert.ok('problem' in read, `${text} was read as ${JSON.stringify(read)}`)
  return read.problem
}

describe('a time in a query string', () => {
  test('epoch milliseconds are kept as they are', () => {
    assert.equal(ms('0'), 0)
    assert.equal(ms('1796083200000'), 1796083200000)
    assert.match(problem('9'.repeat(400)), /more milliseconds than a date can hold/)
  })

  test('ISO 8601 with Z or an offset is the instant it names', () => {
    const midnight = Date.UTC(2026, 11, 1)
    const same = [
      '2026-12-01T00:00:00Z',
      '2026-12-01T00:00Z',
      '2026-12-01T00:00:00.000Z',
      '2026-12-01t00:00:00z',
      '2026-12-01T08:00:00+08:00',
      '2026-12-01T08:00:00+0800',
      '2026-12-01T08:00:00+08',
      '2026-11-30T19:00:00-05:00',
      '2026-12-01T05:30:00+05:30',
      '2026-12-01T00:00:00,000Z',
    ]
    for (const text of same) assert.equal(ms(text), midnight, text)
    assert.equal(ms('2026-12-01T00:00:00.5Z'), midnight + 500)
    assert.equal(ms('2026-12-01T00:00:00.123456789Z'), midnight + 123, 'kept to the millisecond')
    assert.equal(ms('2028-02-29T00:00:00Z'), Date.UTC(2028, 1, 29), 'a leap day')
    assert.equal(ms('2000-02-29T00:00:00Z'), Date.UTC(2000, 1, 29), '2000 is a leap year')
    assert.equal(ms('0050-01-01T00:00:00Z'), new Date('0050-01-01T00:00:00Z').getTime(), 'year 50, not 1950')
  })

  test('a time that does not exist is refused, not moved to one that does', () => {
    assert.match(problem('2026-02-29T00:00:00Z'), /month 2 of 2026 has no day 29/)
    assert.match(problem('1900-02-29T00:00:00Z'), /month 2 of 1900 has no day 29/)
    assert.match(problem('2026-04-31T00:00:00Z'), /month 4 of 2026 has no day 31/)
    assert.match(problem('2026-00-10T00:00:00Z'), /no month 0/)
    assert.match(problem('2026-13-01T00:00:00Z'), /no month 13/)
    assert.match(problem('2026-12-00T00:00:00Z'), /has no day 0/)
    assert.match(problem('2026-12-01T24:00:00Z'), /hour 24/)
    assert.match(problem('2026-12-01T23:60:00Z'), /minute 60/)
    assert.match(problem('2026-12-31T23:59:60Z'), /second 60 .*leap seconds/)
    assert.match(problem('2026-12-01T00:00:00+24:00'), /offset \+24:00/)
    assert.match(problem('2026-12-01T00:00:00+08:60'), /offset \+08:60/)
  })

  test('a time without a zone is ambiguous and refused, saying what to add', () => {
    assert.match(problem('2026-12-01T00:00:00'), /has no zone.*Z or an offset/)
    assert.match(problem('2026-12-01T00:00'), /has no zone/)
    assert.match(problem('2026-12-01'), /a date without a time and zone: write 2026-12-01T00:00:00Z/)
    // A '+' typed into a URL arrives as a space.
    assert.match(problem('2026-12-01T08:00:00 08:00'), /a space where its offset's \+ belongs.*%2B/)
  })

  test('anything else is refused with the forms a time may take', () => {
    for (const text of ['', 'yesterday', '-1', '1e3', '0x10', '2026-12-01 00:00:00Z', '20261201T000000Z', '2026-W48-1', ' 2026-12-01T00:00:00Z']) {
      assert.match(problem(text), /epoch milliseconds or an ISO 8601 date-time with a zone/, JSON.stringify(text))
    }
  })
})

describe('a time zone in a query string', () => {
  test('an IANA name, spelled as the tz database spells it', () => {
    assert.equal(timeZoneNamed('Asia/Shanghai'), 'Asia/Shanghai')
    assert.equal(timeZoneNamed('asia/shanghai'), 'Asia/Shanghai')
    assert.equal(timeZoneNamed('UTC'), 'UTC')
    assert.equal(timeZoneNamed('America/Argentina/Buenos_Aires'), 'America/Argentina/Buenos_Aires')
    assert.equal(timeZoneNamed('Etc/GMT-8'), 'Etc/GMT-8')
    assert.equal(timeZoneNamed('Asia/Kolkata'), 'Asia/Kolkata', "a current name is not replaced by ICU's older canonical one")
  })

  test('anything else is no zone', () => {
    for (const name of ['', 'Mars/Olympus', '+08:00', 'UTC+8', 'Asia/Shanghai/', '../../etc/passwd', 'Asia/Shanghai; DROP', 'A'.repeat(65)]) {
      assert.equal(timeZoneNamed(name), undefined, name)
    }
  })
})
