import Type from 'typebox'
import { EpochMs } from './ids.js'

const Url = Type.String({
  format: 'uri',
  pattern: '^https?://',
  maxLength: 2048,
  description: "the platform's push service: Seqline POSTs batches of push requests here (signed, redirects never followed)",
})

/** PUT /v1/admin/push: where offline pushes go. The secret signs them and is never returned. */
export const PushTargetBody = Type.Object(
  {
    url: Url,
    secret: Type.String({ minLength: 16, maxLength: 256, description: 'HMAC-SHA256 key of the Seqline-Signature header; write-only' }),
    delaySeconds: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 0,
      description: 'how long after a message its push waits: a member who reads it meanwhile (on another device) is not pushed',
    }),
  },
  { additionalProperties: false, title: 'PushTargetBody' },
)

/** What GET /v1/admin/push shows: the target without its secret, and how far delivery has got. */
export const PushTarget = Type.Object(
  {
    url: Url,
    delaySeconds: Type.Integer({ minimum: 0 }),
    updatedAt: EpochMs,
    lag: Type.Object(
      {
        events: Type.Number({ description: 'events of the log not yet considered for push' }),
        seconds: Type.Number({ description: 'age of the oldest of them' }),
      },
      { description: 'how far push delivery is behind the log' },
    ),
    parked: Type.Integer({ minimum: 0, description: 'batches given up on after the maximum age, kept for replay' }),
  },
  { title: 'PushTarget' },
)

/** One push request as the push service receives it, in a batch `{delivery, pushes: [...]}`. */
export const PushRequest = Type.Object(
  {
    user: Type.String({ description: 'the member to notify: not the sender, with no socket open on any Seqline process' }),
    conv: Type.String(),
    seq: Type.Integer({ minimum: 1 }),
    sender: Type.String(),
    kind: Type.String({ description: 'the content type: text, image, file or custom' }),
    preview: Type.Optional(Type.String({ description: 'absent for burn-after-read messages and in groups set not to show previews' })),
    mentioned: Type.Boolean(),
    badge: Type.Integer({ minimum: 0, description: "the user's total unread count, this message included" }),
  },
  { additionalProperties: false, title: 'PushRequest' },
)

/** The body of one POST to the push target, signed like every outbound call (Seqline-Signature, Seqline-Delivery). */
export const PushBatch = Type.Object(
  { delivery: Type.String({ description: 'the Seqline-Delivery id of the batch' }), pushes: Type.Array(PushRequest) },
  { title: 'PushBatch', description: 'what Seqline POSTs to the push target set by PUT /v1/admin/push (see docs/integration.md)' },
)

export type PushTargetBody = Type.Static<typeof PushTargetBody>
export type PushTarget = Type.Static<typeof PushTarget>
export type PushRequest = Type.Static<typeof PushRequest>
