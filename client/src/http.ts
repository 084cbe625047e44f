import { SeqlineError } from './errors.js'
import { type FetchLike, newCommandId, type TokenSource, tokenOf } from './transport.js'

/** Failures after which a command may not have been executed, so a retry with its id is safe and may succeed. */
const RETRIED = new Set(['NETWORK', 'LOG_UNAVAILABLE', 'CONTENTION'])

export interface HttpOptions {
  /** http(s)://host:port of the API. */
  url: string
  /** A user token for the user API, the service credential for the admin API. */
  token: TokenSource
  fetch?: FetchLike
  /** Attempts of a command when the network fails or the log is unavailable; retries reuse the command id, so nothing is written twice. */
  attempts?: number
}

/** Query parameters: undefined ones are left out. */
export type Query = Record<string, string | number | boolean | undefined>

/** Calls of the REST API with one credential; refusals become SeqlineErrors. */
export class Http {
  readonly base: string
  private readonly fetch: FetchLike

  constructor(readonly options: HttpOptions) {
    this.base = options.url.replace(/\/$/, '')
    this.fetch = options.fetch ?? (globalThis.fetch.bind(globalThis) as unknown as FetchLike)
  }

  /** A command endpoint: the id is generated once and kept across retries. */
  async command<T>(method: string, path: string, body: { id?: string } & Record<string, unknown>): Promise<T> {
    const withId = { ...body, id: body.id ?? newCommandId() }
    const attempts = Math.max(1, this.options.attempts ?? 3)
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.json<T>(method, path, withId)
      } catch (err) {
        if (attempt >= attempts || !(err instanceof SeqlineError) || !RETRIED.has(err.code)) throw err
        await pause(200 * 2 ** (attempt - 1) * (0.5 + Math.random()))
      }
    }
  }

  /** One call answered with JSON. */
  async json<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const text = await this.text(method, path, body, query)
    return (text ? JSON.parse(text) : undefined) as T
  }

  /** One call answered with NDJSON (exports): one value per line. */
  async ndjson<T>(path: string, query?: Query): Promise<T[]> {
    const text = await this.text('GET', path, undefined, query)
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as T)
  }

  /** One call; a refusal becomes a SeqlineError with the server's code, message and details. */
  async text(method: string, path: string, body?: unknown, query?: Query): Promise<string> {
    const headers: Record<string, string> = { authorization: `Bearer ${await tokenOf(this.options.token)}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const url = `${this.base}${path}${queryString(query)}`
    let res: Awaited<ReturnType<FetchLike>>
    try {
      res = await this.fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    } catch (err) {
      throw new SeqlineError('NETWORK', `${method} ${path}: ${(err as Error).message}`)
    }
    const text = await res.text()
    if (res.ok) return text
    const error = parseError(text)
    throw new SeqlineError(error?.code ?? `HTTP_${res.status}`, error?.message ?? `${method} ${path}: HTTP ${res.status}`, error?.details, res.status)
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value))
  const text = params.toString()
  return text ? `?${text}` : ''
}

function parseError(text: string): { code: string; message: string; details?: unknown } | undefined {
  try {
    return (JSON.parse(text) as { error?: { code: string; message: string; details?: unknown } }).error
  } catch {
    return undefined
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
