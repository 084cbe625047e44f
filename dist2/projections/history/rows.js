/** The text a message is found by: the words a user would search for. */
export function searchableText(content) {
    switch (content.type) {
        case 'text':
            return content.text;
        case 'image':
            return content.caption ?? '';
        case 'file':
            return content.name;
        case 'custom':
            return '';
    }
}
export function eventRow(f) {
    const e = f.event;
    return {
        part: f.partition,
        pos: f.streamSeq,
        conv: e.conv,
        seq: e.seq,
        at_ms: e.at,
        type: e.type,
        actor: e.actor,
        cmd: e.cmd,
        data: JSON.stringify(withoutContent(e)),
    };
}
/** Event data without message content: content lives only in `messages`, where a burn can erase it. */
function withoutContent(e) {
    if (e.type !== 'message.sent' && e.type !== 'message.edited')
        return e.data;
    const { content, ...rest } = e.data;
    return { ...rest, contentType: content.type };
}
export function messageRow(f) {
    const e = f.event;
    if (e.type !== 'message.sent')
        return null;
    const content = e.data.content;
    return {
        part: f.partition,
        pos: f.streamSeq,
        conv: e.conv,
        seq: e.seq,
        at_ms: e.at,
        sender: e.actor,
        kind: content.type,
        state: 'live',
        text: searchableText(content),
    };
}
export function revision(f) {
    const e = f.event;
    const at = { part: f.partition, pos: f.streamSeq, conv: e.conv };
    if (e.type === 'message.edited')
        return { ...at, target: e.data.target, state: 'edited', text: searchableText(e.data.content), erase: false };
    if (e.type === 'message.recalled')
        return { ...at, target: e.data.target, state: 'recalled', text: '', erase: e.data.erase };
    if (e.type === 'message.burned')
        return { ...at, target: e.data.target, state: 'burned', text: '', erase: true };
    return null;
}
export function hiddenRows(f) {
    const e = f.event;
    if (e.type !== 'message.deleted_for_me')
        return [];
    return e.data.targets.map((seq) => ({ part: f.partition, pos: f.streamSeq, user: e.actor, conv: e.conv, seq }));
}
//# sourceMappingURL=rows.js.map