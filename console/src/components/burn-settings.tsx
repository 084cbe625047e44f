import { useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { LiveChat } from '../chat/live.js'
import type { Timeline } from '../chat/timeline.js'

/** Burn after read of a direct conversation: on or off, and after how many seconds. */
export function BurnSettings({ chat, timeline: t }: { chat: LiveChat; timeline: Timeline }) {
  const [error, setError] = useState<string | null>(null)
  const apply = (e: Event) => {
    e.preventDefault()
    const form = new FormData(e.currentTarget as HTMLFormElement)
    const enabled = form.get('enabled') === 'on'
    const seconds = Number(form.get('seconds'))
    setError(null)
    chat.command({ type: 'burn.configure', conv: t.conv, data: { enabled, seconds } }).catch((err) => setError(messageOf(err)))
  }
  return (
    <form class="burn-settings" onSubmit={apply}>
      <label>
        <input type="checkbox" name="enabled" defaultChecked={t.burn.enabled} /> Burn after read
      </label>
      <label>
        seconds <input type="number" name="seconds" min="1" defaultValue={String(t.burn.seconds)} required />
      </label>
      <button type="submit">Apply</button>
      <span class="status">{t.burn.enabled ? `on: messages burn ${t.burn.seconds} s after they are read` : 'off'}</span>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  )
}
