import Type from 'typebox'
import { UserId } from './ids.js'

const Obj = <P extends Type.TProperties>(props: P) => Type.Object(props, { additionalProperties: false })
const ChannelName = Type.String({ minLength: 1, maxLength: 128 })
const Avatar = Type.String({ format: 'uri', maxLength: 2048 })
const Notice = Type.String({ maxLength: 4000 })

/** The data of `channel.create`: a broadcast channel whose id starts with c_; the creator owns it. */
export const ChannelCreate = Obj({
  name: ChannelName,
  avatar: Type.Optional(Avatar),
  notice: Type.Optional(Notice),
  joinable: Type.Optional(Type.Boolean({ description: 'true: an open channel anyone may subscribe to; false (default): by invitation' })),
  admins: Type.Optional(Type.Array(UserId, { maxItems: 100, uniqueItems: true })),
  subscribers: Type.Optional(Type.Array(UserId, { maxItems: 1000, uniqueItems: true })),
})

/** `conversation.created` of a channel: the owner and admins post, members (subscribers) read. */
export const ChannelCreated = Obj({
  kind: Type.Literal('channel'),
  name: ChannelName,
  avatar: Type.Optional(Avatar),
  notice: Type.Optional(Notice),
  joinable: Type.Boolean(),
  members: Type.Array(Obj({ user: UserId, role: Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]) }), {
    minItems: 1,
    maxItems: 1101,
  }),
})

/** A page of members: after is the next of the page before. */
export const MemberPageQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: 'next of the previous page', examples: ['4096'] })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 1000 }),
  },
  { additionalProperties: false },
)

export const MemberPage = Type.Object(
  {
    members: Type.Array(
      Type.Object({
        user: UserId,
        role: Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]),
        since: Type.Integer({ minimum: 1, description: 'the seq of the event that made them a member' }),
        mutedUntil: Type.Integer({ minimum: 0 }),
      }),
      { description: 'sorted by user within the page' },
    ),
    count: Type.Integer({ minimum: 0, description: 'current members (subscribers) in all' }),
    next: Type.Optional(Type.String({ description: 'more members follow: pass as after for the next page' })),
  },
  { title: 'MemberPage' },
)

export const ViewCount = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    views: Type.Integer({ minimum: 0, description: "subscribers whose read position reached the post since they subscribed (the poster's own send counts)" }),
  },
  { title: 'ViewCount' },
)
