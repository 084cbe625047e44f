import { useEffect, useMemo, useState } from 'preact/hooks'
import { adminOf } from './api.js'
import { AnalyticsPage } from './pages/analytics-page.js'
import { AuditPage } from './pages/audit-page.js'
import { ChatPage } from './pages/chat-page.js'
import { OperationsPage } from './pages/operations-page.js'
import { SignIn } from './pages/sign-in.js'
import { loadSession, type Session, saveSession } from './session.js'

type Page = 'chat' | 'analytics' | 'audit' | 'operations'
const PAGES: Array<{ page: Page; title: string; operator: boolean }> = [
  { page: 'chat', title: 'Chat', operator: false },
  { page: 'analytics', title: 'Analytics', operator: true },
  { page: 'audit', title: 'Audit', operator: true },
  { page: 'operations', title: 'Operations', operator: false },
]

/** The page the address names (#/analytics…), so pages can be bookmarked and the back button works. */
const pageOfHash = (): Page => {
  const name = location.hash.replace(/^#\/?/, '')
  return PAGES.some((p) => p.page === name) ? (name as Page) : 'chat'
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession)
  const [page, setPage] = useState<Page>(pageOfHash)
  useEffect(() => {
    const changed = () => setPage(pageOfHash())
    window.addEventListener('hashchange', changed)
    return () => window.removeEventListener('hashchange', changed)
  }, [])
  const admin = useMemo(() => (session?.kind === 'operator' ? adminOf(session.serviceToken) : null), [session])
  const signIn = (next: Session | null) => {
    saveSession(next)
    setSession(next)
  }
  if (!session) return <SignIn onSignIn={signIn} />

  const pages = PAGES.filter((p) => !p.operator || admin)
  const shown = pages.some((p) => p.page === page) ? page : 'chat'
  return (
    <div class="app">
      <header class="top">
        <span class="brand">Seqline</span>
        <nav aria-label="Pages">
          {pages.map((p) => (
            <a key={p.page} href={`#/${p.page}`} aria-current={p.page === shown ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <span class="who">{session.kind === 'operator' ? 'operator' : session.user}</span>
        <button type="button" onClick={() => signIn(null)}>
          Sign out
        </button>
      </header>
      {shown === 'chat' && <ChatPage session={session} />}
      {shown === 'analytics' && admin && <AnalyticsPage admin={admin} />}
      {shown === 'audit' && admin && <AuditPage admin={admin} />}
      {shown === 'operations' && <OperationsPage />}
    </div>
  )
}
