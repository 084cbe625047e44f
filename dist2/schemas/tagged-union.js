import Type from 'typebox';
/**
 * A union of object schemas told apart by a literal property. TypeBox gives the
 * static type; the schema is emitted as `oneOf` + `discriminator` so that ajv
 * reports the errors of the one matching branch instead of every branch's.
 */
export function taggedUnion(members, tag) {
    const union = Type.Union(members);
    return Type.Unsafe({
        type: 'object',
        // ajv strict mode (strictRequired) refuses a required property the same
        // schema does not declare; without this the validator module fails to load.
        properties: { [tag]: { type: 'string' } },
        required: [tag],
        oneOf: members,
        discriminator: { propertyName: tag },
    });
}
//# sourceMappingURL=tagged-union.js.map