import type { ClientFrame, CommandDataMap, Inbox, SeqlineEvent, ServerFrame } from './schema.js'

// Types derived from the generated schema types, named as the API uses them.

export type CommandType = keyof CommandDataMap
export type CommandData<K extends CommandType> = CommandDataMap[K]
export type EventType = SeqlineEvent['type']
export type EventOf<K extends EventType> = Extract<SeqlineEvent, { type: K }>
export type InboxRow = Inbox[number]

/** Commands a user may send over the socket: all but the burn, which only Seqline itself issues. */
export type SocketCommandType = Exclude<CommandType, 'message.burn'>
export type SocketCommand = { [K in SocketCommandType]: { type: K; id: string; conv: string; data: CommandDataMap[K] } }[SocketCommandType]

export type AckFrame = Extract<ServerFrame, { type: 'ack' }>
export type PresenceStatus = Extract<ClientFrame, { type: 'presence' }>['status']
