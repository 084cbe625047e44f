import { useState } from 'preact/hooks'
import { adminOf, clientOf, messageOf } from '../api.js'
import { ErrorNote } from '../components/notice.js'
import { type Session, userOfToken } from '../session.js'

/** Sign in with the service credential (operators) or a user token (users). */
export function SignIn({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const attempt = async (check: () => Promise<Session>) => {
    setBusy(true)
    setError(null)
    try {
      onSignIn(await check())
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  const asOperator = (e: Event) => {
    e.preventDefault()
    const serviceToken = String(new FormData(e.currentTarget as HTMLFormElement).get('serviceToken') ?? '').trim()
    void attempt(async () => {
      // Any admin call proves the credential: an unknown user is a 404 to the service, a 401 to anyone else.
      await adminOf(serviceToken)
        .getUser('_console_check')
        .catch((err) => {
          if ((err as { code?: string }).code !== 'USER_NOT_FOUND') throw err
        })
      return { kind: 'operator', serviceToken }
    })
  }

  const asUser = (e: Event) => {
    e.preventDefault()
    const token = String(new FormData(e.currentTarget as HTMLFormElement).get('token') ?? '').trim()
    void attempt(async () => {
      const user = userOfToken(token)
      await clientOf(token).inbox()
      return { kind: 'user', token, user }
    })
  }

  return (
    <main class="sign-in">
      <h1>Seqline console</h1>
      <section aria-labelledby="operator-title">
        <h2 id="operator-title">Operator</h2>
        <p>
          The service credential: <code>seqline up</code> prints it at start-up with the embedded defaults, or it is the configured{' '}
          <code>SEQLINE_SERVICE_TOKEN</code>.
        </p>
        <form onSubmit={asOperator}>
          <label>
            Service token <input name="serviceToken" type="password" autocomplete="off" required />
          </label>
          <button type="submit" disabled={busy}>
            Sign in as operator
          </button>
        </form>
      </section>
      <section aria-labelledby="user-title">
        <h2 id="user-title">User</h2>
        <form onSubmit={asUser}>
          <label>
            User token <input name="token" autocomplete="off" required />
          </label>
          <button type="submit" disabled={busy}>
            Sign in with a token
          </button>
        </form>
      </section>
      <ErrorNote error={error} />
    </main>
  )
}
