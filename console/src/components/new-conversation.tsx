import { useState } from 'preact/hooks'
import { messageOf } from '../api.js'
import type { LiveChat } from '../chat/live.js'
import { ErrorNote } from './notice.js'

const field = (e: Event, name: string) => String(new FormData(e.currentTarget as HTMLFormElement).get(name) ?? '').trim()

/** Start a direct conversation, create a group or a channel, or join an open channel. */
export function NewConversation({ chat, onOpen }: { chat: LiveChat; onOpen: (conv: string) => void }) {
  const [error, setError] = useState<string | null>(null)
  const opened =
    (form: HTMLFormElement) =>
    ({ conv }: { conv: string }) => {
      form.reset()
      chat.touch(conv)
      onOpen(conv)
    }
  const direct = (e: Event) => {
    e.preventDefault()
    setError(null)
    chat.client
      .openDirect(field(e, 'peer'))
      .then(opened(e.currentTarget as HTMLFormElement))
      .catch((err) => setError(messageOf(err)))
  }
  const group = (e: Event) => {
    e.preventDefault()
    const members = field(e, 'members')
      .split(/[\s,]+/)
      .filter(Boolean)
    setError(null)
    chat.client
      .createGroup({ name: field(e, 'name'), members })
      .then(opened(e.currentTarget as HTMLFormElement))
      .catch((err) => setError(messageOf(err)))
  }
  const channel = (e: Event) => {
    e.preventDefault()
    const form = new FormData(e.currentTarget as HTMLFormElement)
    setError(null)
    chat.channels
      .create({ name: field(e, 'channel'), joinable: form.get('joinable') === 'on' })
      .then(opened(e.currentTarget as HTMLFormElement))
      .catch((err) => setError(messageOf(err)))
  }
  const join = (e: Event) => {
    e.preventDefault()
    const conv = field(e, 'conv')
    setError(null)
    chat.client
      .join(conv)
      .then(opened(e.currentTarget as HTMLFormElement))
      .catch((err) => setError(messageOf(err)))
  }
  return (
    <details class="new-conversation">
      <summary>New conversation</summary>
      <form onSubmit={direct}>
        <label>
          Chat with <input name="peer" required />
        </label>
        <button type="submit">Open chat</button>
      </form>
      <form onSubmit={group}>
        <label>
          Group name <input name="name" required />
        </label>
        <label>
          Members <input name="members" placeholder="bob, carol" />
        </label>
        <button type="submit">Create group</button>
      </form>
      <form onSubmit={channel}>
        <label>
          Channel name <input name="channel" required />
        </label>
        <label>
          <input type="checkbox" name="joinable" defaultChecked /> open: anyone may subscribe
        </label>
        <button type="submit">Create channel</button>
      </form>
      <form onSubmit={join}>
        <label>
          Join channel <input name="conv" placeholder="c_…" required pattern="c_.+" />
        </label>
        <button type="submit">Join</button>
      </form>
      <ErrorNote error={error} />
    </details>
  )
}
