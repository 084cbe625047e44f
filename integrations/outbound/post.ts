import { signatureHeaders } from './signature.js'

export interface SignedPost {
  url: string
  secret: string
  /** The exact bytes that are signed and sent. */
  body: string
  timeoutMs: number
  /** Kept across retries of the same delivery. */
  delivery?: string
}

export type PostOutcome =
  | { ok: true; status: number; body: string; ms: number }
  | { ok: false; failure: 'timeout' | 'connection' | 'redirect' | 'status'; status?: number; message: string; ms: number }

/**
 * POSTs a signed JSON body. A redirect is never followed (a receiver cannot
 * send Seqline's signed payload on to another host) and counts as a failure,
 * like a non-2xx status, a timeout or a refused connection. Never throws.
 */
export async function postSigned(req: SignedPost): Promise<PostOutcome> {
  const started = performance.now()
  const ms = () => performance.now() - started
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
      headers: { 'content-type': 'application/json', ...signatureHeaders(req.secret, req.body, { delivery: req.delivery }) },
      body: req.body,
    })
    const body = await res.text()
    if (res.status >= 300 && res.status < 400)
      return { ok: false, failure: 'redirect', status: res.status, message: `${req.url} answered a redirect (${res.status}), not followed`, ms: ms() }
    if (!res.ok) return { ok: false, failure: 'status', status: res.status, message: `${req.url} answered ${res.status}`, ms: ms() }
    return { ok: true, status: res.status, body, ms: ms() }
  } catch (err) {
    const e = err as Error
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return { ok: false, failure: 'timeout', message: `${req.url} did not answer within ${req.timeoutMs} ms`, ms: ms() }
    return { ok: false, failure: 'connection', message: `${req.url}: ${(e.cause as Error | undefined)?.message ?? e.message}`, ms: ms() }
  }
}
