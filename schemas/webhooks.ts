import Type from 'typebox'
import { EVENT_TYPES } from './events.js'
import { EpochMs } from './ids.js'

export const WebhookParams = Type.Object(
  { name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'webhook name: 1-64 of A-Z a-z 0-9 _ -' }) },
  { additionalProperties: false },
)

export const WebhookBody = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      pattern: '^https?://',
      maxLength: 2048,
      description: 'where batches are POSTed; redirects are never followed',
      examples: ['https://crm.example.com/seqline'],
    }),
    events: Type.Array(Type.Unsafe<string>({ type: 'string', enum: ['*', ...EVENT_TYPES] }), {
      minItems: 1,
      uniqueItems: true,
      description: 'event types to deliver, or ["*"] for every type',
    }),
    secret: Type.String({
      minLength: 16,
      maxLength: 256,
      description: 'HMAC-SHA256 key of Seqline-Signature; never returned',
      examples: ['whsec-change-me-0123456789'],
    }),
    maxAgeSeconds: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 30 * 24 * 3600, description: 'how long a failing batch is retried before it is parked (default 86400)' }),
    ),
  },
  { additionalProperties: false, title: 'WebhookBody' },
)

/** A log position: per partition, the last stream seq delivered. */
const Position = Type.Record(Type.String({ pattern: '^[0-9]+$' }), Type.Integer({ minimum: 0 }), {
  description: 'per partition, the last stream seq delivered; events after it are delivered next',
  examples: [{ '0': 120, '1': 98 }],
})

const LastError = Type.Union([Type.Object({ message: Type.String(), at: EpochMs }), Type.Null()])

const Parked = Type.Object({
  delivery: Type.String({ description: 'the Seqline-Delivery id the batch was attempted with' }),
  parkedAt: EpochMs,
  from: Position,
  to: Position,
  events: Type.Integer(),
  attempts: Type.Integer(),
  error: Type.String(),
  firstAt: EpochMs,
  lastAt: EpochMs,
})

export const WebhookState = Type.Object(
  {
    name: Type.String(),
    url: Type.String(),
    events: Type.Array(Type.String()),
    maxAgeSeconds: Type.Integer(),
    createdAt: EpochMs,
    updatedAt: EpochMs,
    position: Position,
    lag: Type.Object({ events: Type.Integer(), seconds: Type.Number() }),
    lastError: LastError,
    parked: Type.Array(Parked, { description: 'batches given up after maxAgeSeconds; replay from their `from` to deliver them again' }),
  },
  { title: 'WebhookState' },
)

export const WebhookList = Type.Object({ webhooks: Type.Array(WebhookState) }, { title: 'WebhookList' })

export const ReplayBody = Type.Object(
  {
    from: Type.Union(
      [
        Type.String({ format: 'date-time', description: 'an ISO 8601 time: every event stored from then on is delivered again' }),
        Type.Unsafe<Record<string, number>>(Position),
      ],
      { description: 'an ISO 8601 time, or a position (as GET shows it or a parked batch names it)' },
    ),
  },
  { additionalProperties: false, title: 'ReplayBody', examples: [{ from: '2026-12-01T00:00:00Z' }] },
)

export const ReplayAccepted = Type.Object({ replay: Type.String(), from: Position }, { title: 'ReplayAccepted' })

export const WebhookDeleted = Type.Object({ name: Type.String(), deleted: Type.Literal(true) }, { title: 'WebhookDeleted' })
