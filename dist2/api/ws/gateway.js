import websocket from '@fastify/websocket';
import { CLOSE } from '../../schemas/ws.js';
import { ApiError, sendError } from '../errors.js';
import { authenticate } from './auth.js';
import { Hub } from './hub.js';
import { DEFAULT_GATEWAY_OPTIONS } from './options.js';
import { Session } from './session.js';
/**
 * The WebSocket gateway at /v1/ws: authenticated sockets that send commands,
 * sync what they missed, and receive their conversations' events live. The
 * protocol's frames are in schemas/ws.ts.
 */
export async function gateway(app, deps) {
    const options = { ...DEFAULT_GATEWAY_OPTIONS, ...deps.ws };
    const sessions = new Set();
    await app.register(websocket, {
        options: { maxPayload: options.maxFrameBytes },
        preClose(done) {
            for (const s of sessions)
                s.close(CLOSE.GOING_AWAY, 'server shutting down');
            done();
        },
    });
    const hub = new Hub(deps.log);
    await hub.start();
    const reportConnections = () => {
        // The metrics decorator belongs to another part of the API and may not exist.
        if (app.hasDecorator('metrics'))
            app.metrics.connections?.set(sessions.size);
    };
    const context = {
        deps,
        hub,
        options,
        closed(session) {
            sessions.delete(session);
            reportConnections();
        },
    };
    const auths = new WeakMap();
    app.decorate('wsGateway', { stats: () => hub.stats() });
    app.route({
        method: 'GET',
        url: '/v1/ws',
        schema: { hide: true },
        onRequest: async (request) => {
            const auth = await authenticate(deps.tokens, request);
            if (!auth.ok && !request.ws)
                throw auth.error;
            auths.set(request, auth);
        },
        handler: (_request, reply) => sendError(reply, new ApiError(426, 'UPGRADE_REQUIRED', 'GET /v1/ws opens a WebSocket; send Upgrade: websocket')),
        wsHandler: (socket, request) => {
            const auth = auths.get(request);
            if (!auth?.ok)
                return socket.close(CLOSE.UNAUTHORIZED, truncate(auth?.error.message ?? 'unauthorized'));
            sessions.add(new Session(socket, auth.user, auth.expiresAt, context));
            reportConnections();
        },
    });
    const heartbeat = setInterval(() => {
        for (const s of sessions)
            s.heartbeat();
    }, options.heartbeatMs);
    heartbeat.unref();
    app.addHook('onClose', async () => {
        clearInterval(heartbeat);
        for (const s of sessions)
            s.terminate();
        await hub.stop();
    });
}
/** A close reason is at most 123 bytes. */
function truncate(reason) {
    const bytes = Buffer.from(reason);
    return bytes.length <= 123 ? reason : bytes.subarray(0, 120).toString('utf8') + '...';
}
//# sourceMappingURL=gateway.js.map