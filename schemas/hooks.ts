import Type from 'typebox'
import { COMMAND_TYPES, type CommandType } from './commands.js'
import { EpochMs } from './ids.js'

// Before-hooks: the platform's services asked about a command before it is stored (docs/integration.md).

/** A hook's name: a NATS KV key and a path segment. */
const HookName = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'hook name: 1-64 of A-Z a-z 0-9 _ -', examples: ['moderation'] })

export const HookParams = Type.Object({ name: HookName }, { additionalProperties: false })

const ON_FAILURE = ['allow', 'reject'] as const
type OnFailure = (typeof ON_FAILURE)[number]

// Enums rather than unions of literals, so a wrong value gets one error naming the field, not one per literal.
const HookCommands = Type.Array(Type.Unsafe<CommandType>({ type: 'string', enum: [...COMMAND_TYPES] }), {
  minItems: 1,
  uniqueItems: true,
  description: 'the command types this hook is asked about',
  examples: [['message.send', 'message.edit']],
})

const HookUrl = Type.String({
  format: 'uri',
  pattern: '^https?://',
  maxLength: 2048,
  description: 'where Seqline POSTs each command (http or https; redirects are never followed)',
  examples: ['https://moderation.internal.example/seqline'],
})

const settings = {
  url: HookUrl,
  commands: HookCommands,
  timeoutMs: Type.Integer({ minimum: 10, maximum: 10_000, default: 1000, description: 'how long Seqline waits for an answer' }),
  onFailure: Type.Unsafe<OnFailure>({
    type: 'string',
    enum: [...ON_FAILURE],
    description: 'what a timeout, a refused connection, a non-2xx status or a malformed answer means: let the command through, or refuse it',
  }),
  order: Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    default: 0,
    description: 'hooks of a command run one after another, lowest order first, then by name',
  }),
}

/** The body of PUT /v1/admin/hooks/{name}. */
export const HookSettings = Type.Object(
  {
    ...settings,
    secret: Type.String({
      minLength: 16,
      maxLength: 256,
      description: 'signs every call (Seqline-Signature); never returned',
      examples: ['whsec_6b2f0e9c4d1a8b7e5f3c'],
    }),
  },
  { additionalProperties: false, title: 'HookSettings' },
)

/** A hook as the API shows it: its settings without the secret. */
export const HookView = Type.Object({ name: HookName, ...settings, createdAt: EpochMs, updatedAt: EpochMs }, { additionalProperties: false, title: 'HookView' })

export const HookList = Type.Object({ hooks: Type.Array(HookView) }, { additionalProperties: false, title: 'HookList' })

export type HookSettings = Type.Static<typeof HookSettings>
export type HookView = Type.Static<typeof HookView>
