import { useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { LiveChat } from '../chat/live.js'
import type { Timeline } from '../chat/timeline.js'
import { ErrorNote } from './notice.js'

const usersOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((u) => u.trim())
    .filter(Boolean)

const field = (e: Event, name: string) => String(new FormData(e.currentTarget as HTMLFormElement).get(name) ?? '')

/** Members and roles, and what an owner or admin does: invite, mute the group or a member, dissolve. */
export function GroupPanel({ chat, timeline: t }: { chat: LiveChat; timeline: Timeline }) {
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const conv = t.conv
  const run = (work: Promise<unknown>, form?: HTMLFormElement) => {
    setError(null)
    work.then(() => form?.reset()).catch((err) => setError(messageOf(err)))
  }

  const invite = (e: Event) => {
    e.preventDefault()
    run(chat.command({ type: 'group.invite', conv, data: { users: usersOf(field(e, 'users')) } }), e.currentTarget as HTMLFormElement)
  }
  const muteMember = (e: Event) => {
    e.preventDefault()
    const seconds = Math.round(Number(field(e, 'minutes')) * 60)
    run(chat.command({ type: 'member.mute', conv, data: { user: field(e, 'user').trim(), seconds } }), e.currentTarget as HTMLFormElement)
  }
  const toggleMute = () => run(chat.command(t.muted ? { type: 'group.unmute', conv, data: {} } : { type: 'group.mute', conv, data: {} }))
  const dissolve = () => {
    if (!confirming) return setConfirming(true)
    setConfirming(false)
    run(chat.command({ type: 'group.dissolve', conv, data: {} }))
  }

  return (
    <details class="group-panel">
      <summary>{t.kind === 'channel' ? 'Manage channel' : 'Manage group'}</summary>
      <p>
        Members:{' '}
        {t.members.map((m) => (
          <span key={m.user} class="member">
            {m.user}
            {m.role !== 'member' && ` (${m.role})`}{' '}
          </span>
        ))}
      </p>
      <form onSubmit={invite}>
        <label>
          Invite users <input name="users" placeholder="carol, dave" required />
        </label>
        <button type="submit">Invite</button>
      </form>
      <form onSubmit={muteMember}>
        <label>
          Mute member <input name="user" required />
        </label>
        <label>
          for minutes <input name="minutes" type="number" min="1" defaultValue="10" required />
        </label>
        <button type="submit">Mute member</button>
      </form>
      <p>
        <button type="button" onClick={toggleMute}>
          {t.muted ? 'Unmute group' : 'Mute group'}
        </button>{' '}
        <button type="button" class="danger" onClick={dissolve}>
          {confirming ? 'Confirm: dissolve for good' : 'Dissolve group'}
        </button>
      </p>
      <ErrorNote error={error} />
    </details>
  )
}
