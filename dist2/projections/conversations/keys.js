// KV keys allow [-/=.A-Za-z0-9_]; direct ids carry '~', which becomes '=' (never in an id).
const enc = (id) => id.replaceAll('~', '=');
export const decodeConv = (key) => key.replaceAll('=', '~');
export const keys = {
    head: (conv) => `h.${enc(conv)}`,
    members: (conv) => `m.${enc(conv)}`,
    read: (conv, user) => `r.${enc(conv)}.${user}`,
    readPrefix: (conv) => `r.${enc(conv)}.`,
    user: (user) => `u.${user}`,
    chunk: (conv, index) => `x.${enc(conv)}.${index}`,
    due: (conv) => `d.${enc(conv)}`,
    duePrefix: 'd.',
};
//# sourceMappingURL=keys.js.map