import { useEffect, useState } from 'preact/hooks'
import { actAs, adminOf, clientOf, messageOf } from '../api.js'
import { type ChatState, LiveChat } from '../chat/live.js'
import { ConversationView } from '../components/conversation-view.js'
import { InboxList } from '../components/inbox-list.js'
import { NewConversation } from '../components/new-conversation.js'
import { ErrorNote } from '../components/notice.js'
import { SearchBox } from '../components/search-box.js'
import { type Acting as Identity, loadActing, type Session, saveActing } from '../session.js'

/** Chat as the signed-in user, or, for an operator, as a user they pick or register. */
export function ChatPage({ session }: { session: Session }) {
  const [me, setMe] = useState<Identity | null>(session.kind === 'user' ? { user: session.user, token: session.token } : loadActing)
  const pick = (identity: Identity) => {
    saveActing(identity)
    setMe(identity)
  }
  return (
    <div class="chat-page">
      {session.kind === 'operator' && <ActAs serviceToken={session.serviceToken} current={me?.user} onPick={pick} />}
      {me ? <Chat key={me.user} identity={me} /> : <p>Pick a user to act as: a new one is registered.</p>}
    </div>
  )
}

function ActAs({ serviceToken, current, onPick }: { serviceToken: string; current?: string; onPick: (me: Identity) => void }) {
  const [error, setError] = useState<string | null>(null)
  const pick = (e: Event) => {
    e.preventDefault()
    const user = String(new FormData(e.currentTarget as HTMLFormElement).get('user') ?? '').trim()
    setError(null)
    actAs(adminOf(serviceToken), user)
      .then((token) => onPick({ user, token }))
      .catch((err) => setError(messageOf(err)))
  }
  return (
    <form class="act-as" onSubmit={pick}>
      <label>
        Act as user <input name="user" required pattern="[A-Za-z0-9_\-]{1,64}" defaultValue={current ?? ''} />
      </label>
      <button type="submit">Act as</button>
      <ErrorNote error={error} />
    </form>
  )
}

function Chat({ identity }: { identity: Identity }) {
  const [chat] = useState(() => new LiveChat(clientOf(identity.token), identity.user))
  const [state, setState] = useState<ChatState | null>(null)
  const [open, setOpen] = useState<string | null>(null)
  useEffect(() => {
    const off = chat.subscribe(setState)
    return () => {
      off()
      chat.close()
    }
  }, [chat])
  if (!state) return null
  return (
    <div class="chat">
      <aside class="sidebar">
        <p class="whoami" role="status">
          {identity.user} · <span class={`status ${state.status}`}>{state.status}</span>
        </p>
        <NewConversation chat={chat} onOpen={setOpen} />
        <SearchBox chat={chat} onOpen={setOpen} />
        <InboxList state={state} me={identity.user} open={open} onOpen={setOpen} />
      </aside>
      {open ? <ConversationView key={open} chat={chat} state={state} conv={open} /> : <p class="placeholder">Pick a conversation.</p>}
      <ErrorNote error={state.error} />
    </div>
  )
}
