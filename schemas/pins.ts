import Type from 'typebox'
import { Actor, EpochMs, Seq } from './ids.js'

const Obj = <P extends Type.TProperties>(props: P, opts: Type.TObjectOptions = {}) => Type.Object(props, { additionalProperties: false, ...opts })

/** Command data: pin or unpin the message at `target`. */
export const pinCommandData = {
  'message.pin': Obj({ target: Seq }),
  'message.unpin': Obj({ target: Seq }),
} as const

/** Event data: the message at `target` pinned or unpinned by the actor. */
export const pinEventData = {
  'message.pinned': Obj({ target: Seq }),
  'message.unpinned': Obj({ target: Seq }),
} as const

/** One pinned message: which, who pinned it and when. */
const Pin = Obj({ seq: Seq, by: Actor, at: EpochMs }, { title: 'Pin' })

/** A conversation's pinned messages in the order they were pinned, the latest last. */
export const Pins = Type.Array(Pin, { description: 'pinned messages in the order they were pinned, the latest last', title: 'Pins' })
