// The WebSocket benchmark's users: one SeqlineClient socket each (with `ws`'s
// WebSocket, as a Node app would use it), connected and synced before the load
// starts. Raw event frames are counted under the library, so an event the
// server sent twice shows even though the client deduplicates it.
import { WebSocket } from 'ws';
import { SeqlineClient } from '../../api/client/index.js';
/** Sockets opened at once while connecting: every open reads the user's inbox view, so a stampede only measures itself. */
const CONNECT_BATCH = 50;
const SYNC_TIMEOUT_MS = 60_000;
let rawFrames = 0;
/** `ws`'s WebSocket, counting event frames as they arrive (the library reads the same string after). */
class CountingWebSocket extends WebSocket {
    constructor(url) {
        super(url);
        this.addEventListener('message', (e) => {
            if (typeof e.data === 'string' && e.data.startsWith('{"type":"event"'))
                rawFrames++;
        });
    }
}
/**
 * Connects one socket per user, each told it already holds `have` (the heads
 * after setup), so the first sync sends nothing and every later event is new.
 */
export async function connectClients(url, tokens, have) {
    const rawAtStart = rawFrames;
    let emitted = 0;
    let reconnects = 0;
    const pool = {
        sockets: [],
        onEvent: () => undefined,
        rawEventFrames: () => rawFrames - rawAtStart,
        emittedEvents: () => emitted,
        reconnects: () => reconnects,
        close: () => {
            for (const s of pool.sockets)
                s.close();
        },
    };
    for (let first = 0; first < tokens.length; first += CONNECT_BATCH) {
        const batch = tokens.slice(first, first + CONNECT_BATCH).map((token, i) => {
            const user = first + i;
            const socket = new SeqlineClient({ url, token }).connect({ WebSocket: CountingWebSocket, have: have(user) });
            socket.on('event', (event) => {
                emitted++;
                pool.onEvent(user, event, performance.now());
            });
            socket.on('close', (info) => void (info.reconnecting && reconnects++));
            pool.sockets.push(socket);
            return firstSync(socket, user);
        });
        try {
            await Promise.all(batch);
        }
        catch (err) {
            pool.close();
            throw err;
        }
    }
    return pool;
}
function firstSync(socket, user) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`socket of u${user} not synced after ${SYNC_TIMEOUT_MS} ms`)), SYNC_TIMEOUT_MS);
        const off = socket.on('synced', () => {
            clearTimeout(timer);
            off();
            resolve();
        });
    });
}
//# sourceMappingURL=ws-clients.js.map