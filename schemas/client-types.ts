import { ActiveSenders, BusiestConversations, BusiestHours, FirstReply, MessagesPerDay, MessagesPerKind, SendersPerDay } from './analytics.js'
import { Accepted, MintTokenBody, UserProfile } from './api.js'
import { Inbox, MintedToken, Readiness, Receipt, SyncResult, UserRecord } from './api-reads.js'
import { BlockAnswer, BlockList } from './blocks.js'
import { MemberPage, ViewCount } from './channels.js'
import { COMMAND_TYPES, commandData } from './commands.js'
import { Mentions, MessageContent } from './content.js'
import { ERROR_CODE_NAMES } from './error-codes.js'
import { EVENT_TYPES, eventSchemas } from './events.js'
import { HookList, HookSettings, HookView } from './hooks.js'
import { Pins } from './pins.js'
import { PushTarget, PushTargetBody } from './push.js'
import { MessageReactions } from './reactions.js'
import { ErasureAnswer, RetentionDefaults, UserExportLine } from './retention.js'
import { SearchResult, SqlResult } from './search.js'
import { EventsPage, ThreadPage, ThreadSummary } from './threads.js'
import { ReplayAccepted, ReplayBody, WebhookBody, WebhookDeleted, WebhookList, WebhookState } from './webhooks.js'
import { ClientFrame, ServerFrame } from './ws.js'

/*
 * The TypeScript types of the client package (client/src/schema.ts), written
 * out from the JSON Schemas here, so that the package carries plain types and
 * depends on nothing of the server, not even the schema library. The unit test
 * client-types checks that the file is up to date and that each type is the
 * same as the schema's static type.
 */

interface JsonSchema {
  type?: string | string[]
  const?: unknown
  enum?: unknown[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  patternProperties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema | JsonSchema[]
  description?: string
}

const HEADER = "// Generated from schemas/ by 'npm run client:types' (ops/client-types.ts). Do not edit.\n"

/** Every named type of the client's public API, by its name in the client. */
function roots(): Record<string, unknown> {
  const events = { anyOf: EVENT_TYPES.map((t) => eventSchemas[t]) }
  const commands = { type: 'object', required: [...COMMAND_TYPES], properties: commandData }
  return {
    SeqlineEvent: events,
    MessageContent,
    Mentions,
    CommandDataMap: commands,
    ClientFrame,
    ServerFrame,
    Accepted,
    EventPage: EventsPage,
    Receipt,
    Inbox,
    SyncResult,
    SearchResult,
    SqlResult,
    UserProfile,
    UserRecord,
    MintTokenBody,
    MintedToken,
    Readiness,
    MessagesPerDay,
    SendersPerDay,
    ActiveSenders,
    MessagesPerKind,
    FirstReply,
    BusiestHours,
    BusiestConversations,
    ErrorCode: { enum: ERROR_CODE_NAMES },
    MemberPage,
    ViewCount,
    MessageReactions,
    Pins,
    ThreadSummary,
    ThreadPage,
    BlockList,
    BlockAnswer,
    HookSettings,
    HookView,
    HookList,
    WebhookBody,
    WebhookState,
    WebhookList,
    WebhookDeleted,
    ReplayBody,
    ReplayAccepted,
    PushTargetBody,
    PushTarget,
    RetentionDefaults,
    ErasureAnswer,
    UserExportLine,
  }
}

/** The whole file, deterministic: the same schemas give the same text. */
export function renderClientTypes(): string {
  const out = [HEADER]
  for (const [name, schema] of Object.entries(roots())) out.push(`export type ${name} = ${typeOf(schema as JsonSchema, '')}\n`)
  return out.join('\n')
}

function typeOf(s: JsonSchema, indent: string): string {
  if (s.const !== undefined) return literal(s.const)
  if (s.enum) return s.enum.map(literal).join(' | ')
  const branches = s.oneOf ?? s.anyOf
  if (branches) return branches.map((b) => typeOf(b, indent)).join(' | ')
  switch (s.type) {
    case 'string':
      return 'string'
    case 'integer':
    case 'number':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array':
      return arrayOf(s, indent)
    case 'object':
      return objectOf(s, indent)
    default:
      return 'unknown'
  }
}

function arrayOf(s: JsonSchema, indent: string): string {
  if (Array.isArray(s.items)) return `[${s.items.map((i) => typeOf(i, indent)).join(', ')}]`
  const item = typeOf(s.items ?? {}, indent)
  return /[|&]/.test(item) || item.includes('\n') ? `Array<${item}>` : `${item}[]`
}

function objectOf(s: JsonSchema, indent: string): string {
  const props = Object.entries(s.properties ?? {})
  const pattern = Object.values(s.patternProperties ?? {})[0]
  if (props.length === 0 && pattern) return `Record<string, ${typeOf(pattern, indent)}>`
  // What the schema library makes of an object without properties.
  if (props.length === 0) return 'object'
  const inner = `${indent}  `
  const required = new Set(s.required ?? [])
  const lines = props.map(([key, value]) => {
    const doc = value.description ? `${inner}/** ${value.description.replaceAll('*/', '* /').replaceAll('\n', ' ')} */\n` : ''
    return `${doc}${inner}${propertyName(key)}${required.has(key) ? '' : '?'}: ${typeOf(value, inner)}`
  })
  return `{\n${lines.join('\n')}\n${indent}}`
}

const literal = (value: unknown): string => (typeof value === 'string' ? `'${value.replaceAll("'", "\\'")}'` : JSON.stringify(value))

const propertyName = (key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`)
