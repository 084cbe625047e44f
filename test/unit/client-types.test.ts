import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import type Type from 'typebox'
import type * as Client from '../../client/src/index.js'
import type {
  ActiveSenders,
  ClientFrame,
  CommandOf,
  CommandType,
  ErasureAnswer,
  EventsPage,
  HookView,
  Inbox,
  MessageContent,
  PushTarget,
  Receipt,
  RetentionDefaults,
  SearchResult,
  SeqlineEvent,
  ServerFrame,
  SocketCommand,
  SyncResult,
  UserRecord,
  WebhookState,
} from '../../schemas/index.js'
import { renderClientTypes } from '../../schemas/index.js'

/** True only when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Static<T> = T extends Type.TSchema ? Type.Static<T> : T

// Compile-time: the client's plain types are the schemas' static types. A schema changed without
// `npm run client:types` makes one of these false, and `true` no longer type-checks.
const sameTypes: Array<true> = [
  true satisfies Same<Client.SeqlineEvent, SeqlineEvent>,
  true satisfies Same<Client.MessageContent, MessageContent>,
  true satisfies Same<Client.ClientFrame, Static<typeof ClientFrame>>,
  true satisfies Same<Client.ServerFrame, ServerFrame>,
  true satisfies Same<Client.SocketCommand, SocketCommand>,
  true satisfies Same<Client.CommandData<'group.create'>, CommandOf<'group.create'>['data']>,
  true satisfies Same<Client.CommandType, CommandType>,
  true satisfies Same<Client.EventPage, Static<typeof EventsPage>>,
  true satisfies Same<Client.Inbox, Static<typeof Inbox>>,
  true satisfies Same<Client.Receipt, Static<typeof Receipt>>,
  true satisfies Same<Client.SyncResult, Static<typeof SyncResult>>,
  true satisfies Same<Client.SearchResult, SearchResult>,
  true satisfies Same<Client.UserRecord, Static<typeof UserRecord>>,
  true satisfies Same<Client.ActiveSenders, Static<typeof ActiveSenders>>,
  true satisfies Same<Client.HookView, Static<typeof HookView>>,
  true satisfies Same<Client.WebhookState, Static<typeof WebhookState>>,
  true satisfies Same<Client.PushTarget, Static<typeof PushTarget>>,
  true satisfies Same<Client.RetentionDefaults, Static<typeof RetentionDefaults>>,
  true satisfies Same<Client.ErasureAnswer, Static<typeof ErasureAnswer>>,
]

test("the client package's types are written from the current schemas (run npm run client:types after changing a schema)", () => {
  const committed = readFileSync(new URL('../../../client/src/schema.ts', import.meta.url), 'utf8')
  assert.equal(committed, renderClientTypes())
  assert.equal(sameTypes.length, 19)
})
