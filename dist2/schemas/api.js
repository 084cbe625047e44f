import Type from 'typebox';
import { commandData } from './commands.js';
import { CommandId, ConversationId, EpochMs, Seq, UserId } from './ids.js';
/** The one error shape of every refusal, REST and WebSocket alike. */
export const ErrorBody = Type.Object({
    error: Type.Object({
        code: Type.String({ description: 'stable code: VALIDATION_FAILED, UNAUTHORIZED, NOT_MEMBER, MUTED, ...' }),
        message: Type.String(),
        details: Type.Optional(Type.Unknown()),
    }),
}, { $id: 'ErrorBody' });
/**
 * The request body of a command endpoint: the command's own data plus the
 * client's idempotency id. Built from the command schema, so there is one source.
 */
export function commandBody(type, omit = []) {
    const props = { ...commandData[type].properties };
    for (const key of omit)
        delete props[key];
    return Type.Object({ id: CommandId, ...props }, { additionalProperties: false });
}
export const Accepted = Type.Object({
    conv: ConversationId,
    seq: Type.Integer({ minimum: 0, description: 'seq of the event written, or the head when the command changed nothing' }),
    duplicate: Type.Boolean({ description: 'true when this command id was seen before: the original result' }),
    event: Type.Optional(Type.Unknown()),
});
export const ConvParams = Type.Object({ conv: ConversationId }, { additionalProperties: false });
export const ConvSeqParams = Type.Object({ conv: ConversationId, seq: Seq }, { additionalProperties: false });
export const ConvUserParams = Type.Object({ conv: ConversationId, user: UserId }, { additionalProperties: false });
export const UserParams = Type.Object({ user: UserId }, { additionalProperties: false });
export const RangeQuery = Type.Object({
    from: Type.Integer({ minimum: 1, description: 'first seq going forward, last seq going backward' }),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    direction: Type.Union([Type.Literal('forward'), Type.Literal('backward')], { default: 'forward' }),
}, { additionalProperties: false });
export const MintTokenBody = Type.Object({ user: UserId, ttlSeconds: Type.Integer({ minimum: 60, maximum: 30 * 24 * 3600, default: 3600 }) }, { additionalProperties: false });
export const UserProfile = Type.Object({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    avatar: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
    meta: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 1024 }))),
}, { additionalProperties: false });
export const ExportQuery = Type.Object({
    conv: Type.Optional(ConversationId),
    since: Type.Optional(EpochMs),
    until: Type.Optional(EpochMs),
}, { additionalProperties: false });
//# sourceMappingURL=api.js.map