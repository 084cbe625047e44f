import pRetry from 'p-retry'
import type Type from 'typebox'
import type { InboxRow } from '../../projections/conversations/inbox.js'
import type { Receipt } from '../../projections/conversations/receipts.js'
import type { Accepted as AcceptedSchema } from '../../schemas/api.js'
import type { CommandData, CommandType } from '../../schemas/commands.js'
import type { Mentions, MessageContent } from '../../schemas/content.js'
import type { SeqlineEvent } from '../../schemas/events.js'
import { SeqlineError } from './errors.js'
import { newCommandId, type TokenSource, tokenOf } from './transport.js'

export type Accepted = Omit<Type.Static<typeof AcceptedSchema>, 'event'> & { event?: SeqlineEvent }
export type { InboxRow, Receipt }

type Data<K extends CommandType> = Type.Static<CommandData[K]>

/** Failures after which a command may not have been executed, so a retry with its id is safe and may succeed. */
const RETRIED = new Set(['NETWORK', 'LOG_UNAVAILABLE', 'CONTENTION'])

/** Where the read endpoints live, in one place. */
export const READ_PATHS = {
  events: (conv: string) => `/v1/conversations/${conv}/events`,
  inbox: () => '/v1/inbox',
  receipts: (conv: string, seq: number) => `/v1/conversations/${conv}/messages/${seq}/receipts`,
}

export interface RestOptions {
  /** http(s)://host:port of the API. */
  url: string
  token: TokenSource
  fetch?: typeof fetch
  /** Attempts of a command when the network fails or the log is unavailable; retries reuse the command id, so nothing is written twice. */
  attempts?: number
}

/** Optional idempotency id: pass the same one to retry a command safely. */
export interface WithId {
  id?: string
}

/** Typed calls of the REST API, for the user the token names. */
export class RestClient {
  protected readonly base: string
  private readonly fetch: typeof fetch

  constructor(protected readonly options: RestOptions) {
    this.base = options.url.replace(/\/$/, '')
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  }

  send(conv: string, content: MessageContent, opts: WithId & { mentions?: Mentions; replyTo?: number } = {}): Promise<Accepted> {
    const { id, ...rest } = opts
    return this.command('POST', `/v1/conversations/${conv}/messages`, { id, content, ...rest })
  }

  /** Shorthand for a text message. */
  text(conv: string, text: string, opts: WithId = {}): Promise<Accepted> {
    return this.send(conv, { type: 'text', text }, opts)
  }

  edit(conv: string, seq: number, content: MessageContent, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/conversations/${conv}/messages/${seq}/edit`, { id: opts.id, content })
  }

  recall(conv: string, seq: number, opts: WithId & { erase?: boolean } = {}): Promise<Accepted> {
    return this.command('POST', `/v1/conversations/${conv}/messages/${seq}/recall`, { ...opts })
  }

  /** Marks the conversation read up to a seq. */
  read(conv: string, upTo: number, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/conversations/${conv}/read`, { id: opts.id, upTo })
  }

  deleteForMe(conv: string, targets: number[], opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/conversations/${conv}/delete-for-me`, { id: opts.id, targets })
  }

  /** Burn after read on a direct conversation: messages sent from now on burn `seconds` after the recipient reads them. */
  configureBurn(conv: string, data: Data<'burn.configure'>, opts: WithId = {}): Promise<Accepted> {
    return this.command('PUT', `/v1/conversations/${conv}/burn`, { id: opts.id, ...data })
  }

  /** Opens the direct conversation with a peer (created once, then returned). */
  openDirect(peer: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', '/v1/conversations/direct', { id: opts.id, peer })
  }

  /** Creates a group; its id is `conv` when given, else derived from the command id. */
  createGroup(data: Data<'group.create'>, opts: WithId & { conv?: string } = {}): Promise<Accepted> {
    return this.command('POST', '/v1/groups', { ...opts, ...data })
  }

  invite(conv: string, users: string[], opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/invite`, { id: opts.id, users })
  }

  join(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/join`, { id: opts.id })
  }

  leave(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/leave`, { id: opts.id })
  }

  kick(conv: string, user: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/members/${user}/kick`, { id: opts.id })
  }

  changeRole(conv: string, user: string, role: Data<'group.change-role'>['role'], opts: WithId = {}): Promise<Accepted> {
    return this.command('PUT', `/v1/groups/${conv}/members/${user}/role`, { id: opts.id, role })
  }

  transfer(conv: string, to: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/transfer`, { id: opts.id, to })
  }

  updateGroup(conv: string, info: Data<'group.update-info'>, opts: WithId = {}): Promise<Accepted> {
    return this.command('PATCH', `/v1/groups/${conv}`, { id: opts.id, ...info })
  }

  muteGroup(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/mute`, { id: opts.id })
  }

  unmuteGroup(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/unmute`, { id: opts.id })
  }

  muteMember(conv: string, user: string, seconds: number, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/members/${user}/mute`, { id: opts.id, seconds })
  }

  unmuteMember(conv: string, user: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/members/${user}/unmute`, { id: opts.id })
  }

  dissolve(conv: string, opts: WithId = {}): Promise<Accepted> {
    return this.command('POST', `/v1/groups/${conv}/dissolve`, { id: opts.id })
  }

  /** Events by seq range (erased seqs are absent). */
  async events(conv: string, range: { from: number; limit?: number; direction?: 'forward' | 'backward' }): Promise<SeqlineEvent[]> {
    const query = new URLSearchParams({ from: String(range.from) })
    if (range.limit !== undefined) query.set('limit', String(range.limit))
    if (range.direction) query.set('direction', range.direction)
    const body = await this.request<{ events: SeqlineEvent[] }>('GET', `${READ_PATHS.events(conv)}?${query}`)
    return body.events
  }

  async inbox(): Promise<InboxRow[]> {
    return this.request<InboxRow[]>('GET', READ_PATHS.inbox())
  }

  receipts(conv: string, seq: number): Promise<Receipt> {
    return this.request<Receipt>('GET', READ_PATHS.receipts(conv, seq))
  }

  /** A command endpoint: the id is generated once and kept across retries. */
  protected async command(method: string, path: string, body: { id?: string } & Record<string, unknown>): Promise<Accepted> {
    const withId = { ...body, id: body.id ?? newCommandId() }
    return pRetry(() => this.request<Accepted>(method, path, withId), {
      retries: Math.max(0, (this.options.attempts ?? 3) - 1),
      minTimeout: 200,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof SeqlineError && RETRIED.has(error.code),
    })
  }

  /** One call; a refusal becomes a SeqlineError with the server's code, message and details. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${await tokenOf(this.options.token)}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await this.fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    } catch (err) {
      throw new SeqlineError('NETWORK', `${method} ${path}: ${(err as Error).message}`)
    }
    const text = await res.text()
    const parsed = text ? (JSON.parse(text) as unknown) : undefined
    if (res.ok) return parsed as T
    const error = (parsed as { error?: { code: string; message: string; details?: unknown } } | undefined)?.error
    throw new SeqlineError(error?.code ?? `HTTP_${res.status}`, error?.message ?? `${method} ${path}: HTTP ${res.status}`, error?.details, res.status)
  }
}
