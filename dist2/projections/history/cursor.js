export function encodeCursor(p) {
    return Buffer.from(JSON.stringify([p.at, p.conv, p.seq])).toString('base64url');
}
/** The position a cursor names, or null when it is not one this API produced. */
export function decodeCursor(cursor) {
    try {
        const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
        if (!Array.isArray(v) || v.length !== 3)
            return null;
        const [at, conv, seq] = v;
        if (!isCount(at) || typeof conv !== 'string' || conv.length > 200 || !isCount(seq))
            return null;
        return { at, conv, seq };
    }
    catch {
        return null;
    }
}
function isCount(v) {
    return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
//# sourceMappingURL=cursor.js.map