import type { BusiestConversations, BusiestHours, MessagesPerDay, SendersPerDay, SqlResult } from '@seqline/client'
import type { SeqlineAdmin } from '@seqline/client/admin'
import { useEffect, useState } from 'preact/hooks'
import { lastDays, localZone, rangeOf, ZONES } from '../analytics/range.js'
import { messageOf } from '../api.js'
import { ChartFigure } from '../components/chart-figure.js'
import { ErrorNote } from '../components/notice.js'
import { RowsTable } from '../components/rows-table.js'

interface Figures {
  perDay: MessagesPerDay
  senders: SendersPerDay
  conversations: BusiestConversations
  hours: BusiestHours
}

/** Days the page shows until the form says otherwise. */
const DEFAULT_DAYS = 30

/** Charts of the analytics endpoints over a time range in a time zone, and the SQL box. */
export function AnalyticsPage({ admin }: { admin: SeqlineAdmin }) {
  const [form, setForm] = useState(() => {
    const tz = localZone()
    return { ...lastDays(DEFAULT_DAYS, tz), tz }
  })
  const [figures, setFigures] = useState<Figures | null>(null)
  const [error, setError] = useState<string | null>(null)

  const load = async (f: typeof form) => {
    setError(null)
    const range = rangeOf(f.from, f.to, f.tz)
    try {
      const [perDay, senders, conversations, hours] = await Promise.all([
        admin.messagesPerDay(range),
        admin.sendersPerDay(range),
        admin.busiestConversations({ ...range, limit: 10 }),
        admin.busiestHours(range),
      ])
      setFigures({ perDay, senders, conversations, hours })
    } catch (err) {
      setError(messageOf(err))
    }
  }
  useEffect(() => void load(form), [])

  const submit = (e: Event) => {
    e.preventDefault()
    const data = new FormData(e.currentTarget as HTMLFormElement)
    let next = { from: String(data.get('from') ?? ''), to: String(data.get('to') ?? ''), tz: String(data.get('tz') ?? '').trim() }
    // Dates left as they were given for the old zone follow the new zone's calendar, so "up to today" stays today there.
    const defaults = lastDays(DEFAULT_DAYS, form.tz)
    if (next.tz !== form.tz && next.from === defaults.from && next.to === defaults.to) next = { ...next, ...lastDays(DEFAULT_DAYS, next.tz) }
    setForm(next)
    void load(next)
  }
  const hours = figures ? [...figures.hours.hours].sort((a, b) => a.hour - b.hour) : []

  return (
    <main class="analytics">
      <h1>Analytics</h1>
      {/* Keyed by what it shows, so dates moved to a new zone's calendar appear in the inputs. */}
      <form class="range" key={`${form.from}/${form.to}/${form.tz}`} onSubmit={submit}>
        <label>
          From <input type="date" name="from" defaultValue={form.from} />
        </label>
        <label>
          To <input type="date" name="to" defaultValue={form.to} />
        </label>
        <label>
          Time zone <input name="tz" list="zones" defaultValue={form.tz} required />
        </label>
        <datalist id="zones">
          {ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <button type="submit">Show</button>
      </form>
      <ErrorNote error={error} />
      {figures && (
        <div class="charts">
          <ChartFigure
            title="Messages per day"
            type="bar"
            label="messages"
            labels={figures.perDay.days.map((d) => d.day)}
            values={figures.perDay.days.map((d) => d.messages)}
          />
          <ChartFigure
            title="Active senders per day"
            type="line"
            label="senders"
            labels={figures.senders.days.map((d) => d.day)}
            values={figures.senders.days.map((d) => d.senders)}
          />
          <ChartFigure
            title="Busiest conversations"
            type="bar"
            horizontal
            label="messages"
            labels={figures.conversations.conversations.map((c) => c.conv)}
            values={figures.conversations.conversations.map((c) => c.messages)}
          />
          <ChartFigure
            title={`Busiest hours (${figures.hours.tz})`}
            type="bar"
            label="messages"
            labels={hours.map((h) => String(h.hour).padStart(2, '0'))}
            values={hours.map((h) => h.messages)}
          />
        </div>
      )}
      <SqlBox admin={admin} />
    </main>
  )
}

/** One read-only SELECT over the history (POST /v1/admin/sql). */
function SqlBox({ admin }: { admin: SeqlineAdmin }) {
  const [result, setResult] = useState<SqlResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const run = (e: Event) => {
    e.preventDefault()
    const sql = String(new FormData(e.currentTarget as HTMLFormElement).get('sql') ?? '')
    setError(null)
    admin
      .sql(sql)
      .then(setResult)
      .catch((err) => setError(messageOf(err)))
  }
  return (
    <section class="sql" aria-labelledby="sql-title">
      <h2 id="sql-title">SQL</h2>
      <form onSubmit={run}>
        <label>
          Query (one read-only SELECT) <textarea name="sql" rows={4} required defaultValue="SELECT count() AS messages FROM messages" spellcheck={false} />
        </label>
        <button type="submit">Run</button>
      </form>
      <ErrorNote error={error} />
      {result && <RowsTable rows={result.rows} caption={`${result.rowCount} row(s)`} />}
    </section>
  )
}
