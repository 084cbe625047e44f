import Type from 'typebox'
import { UserId } from './ids.js'
import { taggedUnion } from './tagged-union.js'

export const MAX_TEXT_LENGTH = 10_000

const Url = Type.String({ format: 'uri', maxLength: 2048 })
const Mime = Type.String({ pattern: '^[\\w.+-]+/[\\w.+-]+$', maxLength: 127 })
const Bytes = Type.Integer({ minimum: 0, maximum: 1e13 })
const Pixels = Type.Integer({ minimum: 1, maximum: 100_000 })

const TextContent = Type.Object(
  { type: Type.Literal('text'), text: Type.String({ minLength: 1, maxLength: MAX_TEXT_LENGTH }) },
  { additionalProperties: false },
)

const ImageContent = Type.Object(
  {
    type: Type.Literal('image'),
    url: Url,
    mime: Type.Optional(Mime),
    size: Type.Optional(Bytes),
    width: Type.Optional(Pixels),
    height: Type.Optional(Pixels),
    caption: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
)

const FileContent = Type.Object(
  {
    type: Type.Literal('file'),
    url: Url,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    size: Bytes,
    mime: Type.Optional(Mime),
  },
  { additionalProperties: false },
)

/** Application-defined JSON (cards, locations, ...); its size is bounded by the command size limit. */
const CustomContent = Type.Object(
  {
    type: Type.Literal('custom'),
    kind: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }),
    payload: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
)

export const MessageContent = taggedUnion([TextContent, ImageContent, FileContent, CustomContent], 'type')

export const Mentions = Type.Object(
  {
    users: Type.Optional(Type.Array(UserId, { maxItems: 100, uniqueItems: true })),
    all: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

export type MessageContent = Type.Static<typeof MessageContent>
/** The content types, read from the union's branches, for error messages that list them. */
export const CONTENT_TYPES: readonly string[] = (MessageContent as unknown as { oneOf: { properties: { type: { const: string } } }[] }).oneOf.map(
  (branch) => branch.properties.type.const,
)
export type ContentType = MessageContent['type']
export type Mentions = Type.Static<typeof Mentions>
