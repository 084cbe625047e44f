import type { Accepted, RestClient, WithId } from './rest.js'
import type { MemberPage, ViewCount } from './schema.js'

/** What a channel is created with; the id (c_...) is derived from the command id unless given. */
export interface ChannelSetup {
  name: string
  conv?: string
  avatar?: string
  notice?: string
  /** true: anyone may subscribe (POST /v1/groups/{conv}/join); false (default): by invitation. */
  joinable?: boolean
  admins?: string[]
  subscribers?: string[]
}

/**
 * Channels through the REST API of a client: creating one, its subscribers
 * page by page (owner and admins), and the view count of a post. Subscribing,
 * inviting and leaving are the group calls, with the channel's id.
 */
export class Channels {
  constructor(private readonly client: RestClient) {}

  create(setup: ChannelSetup & WithId): Promise<Accepted> {
    return this.client.request('POST', '/v1/channels', { id: setup.id ?? crypto.randomUUID(), ...setup })
  }

  /** One page of current members; pass the answer's `next` as `after` for the next one. */
  members(conv: string, page: { after?: string; limit?: number } = {}): Promise<MemberPage> {
    return this.client.request('GET', `/v1/conversations/${conv}/members${query(page)}`)
  }

  /** Subscribers whose read position reached the post at seq. */
  views(conv: string, seq: number): Promise<ViewCount> {
    return this.client.request('GET', `/v1/conversations/${conv}/messages/${seq}/views`)
  }
}

function query(page: { after?: string; limit?: number }): string {
  const params = new URLSearchParams()
  if (page.after !== undefined) params.set('after', page.after)
  if (page.limit !== undefined) params.set('limit', String(page.limit))
  const text = params.toString()
  return text ? `?${text}` : ''
}
