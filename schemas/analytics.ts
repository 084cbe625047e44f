import Type from 'typebox'
import { ConversationId } from './ids.js'
import { Time, TimeZone } from './times.js'

export const AnalyticsQuery = Type.Object(
  {
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    conv: Type.Optional(ConversationId),
    tz: TimeZone,
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 20, description: 'rows of a top list' }),
  },
  { additionalProperties: false },
)
export type AnalyticsQuery = Type.Static<typeof AnalyticsQuery>

const Period = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
  default: 'day',
  description: 'calendar days, weeks (Monday to Sunday) or months in tz',
})
export type Period = Type.Static<typeof Period>

export const ActiveSendersQuery = Type.Object({ ...AnalyticsQuery.properties, period: Period }, { additionalProperties: false })

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a calendar date in tz' })
const Zone = Type.String({ description: 'the time zone the answer is counted in', examples: ['Asia/Shanghai'] })

export const MessagesPerDay = Type.Object({ tz: Zone, days: Type.Array(Type.Object({ day: Day, messages: Type.Integer() })) }, { title: 'MessagesPerDay' })
export const SendersPerDay = Type.Object({ tz: Zone, days: Type.Array(Type.Object({ day: Day, senders: Type.Integer() })) }, { title: 'SendersPerDay' })

export const ActiveSenders = Type.Object(
  {
    tz: Zone,
    period: Period,
    periods: Type.Array(
      Type.Object({
        start: Type.With(Day, { description: 'first day of the period in tz' }),
        senders: Type.Integer({ description: 'distinct users who sent a message in the period (system messages aside)' }),
      }),
      { description: 'oldest first; periods without a message are absent' },
    ),
  },
  { title: 'ActiveSenders' },
)

export const MessagesPerKind = Type.Object(
  {
    kinds: Type.Array(
      Type.Object({
        kind: Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('channel')]),
        messages: Type.Integer(),
        conversations: Type.Integer({ description: 'conversations of this kind with a message in the range' }),
      }),
      { description: 'direct, then group, then channel; a kind without messages counts 0' },
    ),
  },
  { title: 'MessagesPerKind' },
)

export const FirstReply = Type.Object(
  {
    conversations: Type.Integer({ description: 'direct conversations whose first message was sent in the range' }),
    replied: Type.Integer({ description: 'of those, the ones the other user has answered (at any time since)' }),
    medianMs: Type.Union([Type.Number(), Type.Null()], {
      description: 'median milliseconds from the first message to the first message of the other user; null when none replied',
    }),
  },
  { title: 'FirstReply' },
)

export const BusiestHours = Type.Object(
  {
    tz: Zone,
    hours: Type.Array(Type.Object({ hour: Type.Integer({ minimum: 0, maximum: 23, description: 'hour of the day in tz' }), messages: Type.Integer() }), {
      description: 'all 24 hours, busiest first (ties by hour)',
    }),
  },
  { title: 'BusiestHours' },
)

export const BusiestConversations = Type.Object(
  {
    conversations: Type.Array(Type.Object({ conv: Type.String(), messages: Type.Integer(), senders: Type.Integer() })),
  },
  { title: 'BusiestConversations' },
)
