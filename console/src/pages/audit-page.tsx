import type { SeqlineAdmin } from '@seqline/client/admin'
import { useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import { type ExportVerification, verdictOf, verifyExport } from '../audit/verify.js'
import { ErrorNote } from '../components/notice.js'

const field = (data: FormData, name: string) => String(data.get(name) ?? '').trim()

/** A datetime-local value as an ISO instant in the browser's zone, or nothing. */
const instant = (value: string) => (value ? new Date(value).toISOString() : undefined)

/**
 * Export a conversation or a time range (GET /v1/admin/export) and verify it here, with the same
 * verifier `seqline verify` runs; the export stays editable, so a changed file can be checked too.
 */
export function AuditPage({ admin }: { admin: SeqlineAdmin }) {
  const [text, setText] = useState('')
  const [result, setResult] = useState<ExportVerification | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const exportIt = async (e: Event) => {
    e.preventDefault()
    const data = new FormData(e.currentTarget as HTMLFormElement)
    const conv = field(data, 'conv')
    const since = instant(field(data, 'since'))
    const until = instant(field(data, 'until'))
    setError(null)
    setResult(null)
    setBusy(true)
    try {
      const range = conv ? { conv, ...(since ? { since } : {}), ...(until ? { until } : {}) } : { since: since ?? 0, ...(until ? { until } : {}) }
      const lines = await admin.export(range)
      const ndjson = lines.map((line) => JSON.stringify(line)).join('\n')
      setText(ndjson)
      setResult(verifyExport(ndjson))
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }
  const verify = () => setResult(verifyExport(text))
  const download = () => {
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'application/x-ndjson' }))
    const a = document.createElement('a')
    a.href = url
    a.download = 'seqline-export.ndjson'
    a.click()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }

  return (
    <main class="audit">
      <h1>Audit</h1>
      <form class="export" onSubmit={exportIt}>
        <label>
          Conversation <input name="conv" placeholder="g_team or d~alice~bob" />
        </label>
        <label>
          Since <input name="since" type="datetime-local" />
        </label>
        <label>
          Until <input name="until" type="datetime-local" />
        </label>
        <button type="submit" disabled={busy}>
          Export and verify
        </button>
      </form>
      <ErrorNote error={error} />
      {result && (
        <p class={result.ok ? 'verdict ok' : 'verdict bad'} role="status">
          {verdictOf(result)}
        </p>
      )}
      {result && (
        <ul class="conversations">
          {result.conversations.map((c) => (
            <li key={c.conv}>
              {c.conv}: head {c.head}, {c.events} event(s), {c.tombstones.length} tombstone(s), {c.erased.length} erased seq(s)
              {c.chain.headHash ? `, head hash ${c.chain.headHash}` : ''}
            </li>
          ))}
        </ul>
      )}
      <label class="export-text">
        Export (NDJSON, one event per line)
        <textarea rows={12} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} spellcheck={false} />
      </label>
      <p>
        <button type="button" onClick={verify} disabled={!text}>
          Verify this text
        </button>{' '}
        <button type="button" onClick={download} disabled={!text}>
          Download
        </button>
      </p>
    </main>
  )
}
