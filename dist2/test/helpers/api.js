import { randomBytes } from 'node:crypto';
import { CommandHandler } from '../../core/commands/command-handler.js';
import { Tokens } from '../../api/auth/tokens.js';
import { startApi } from '../../api/server.js';
import { UserDirectory } from '../../api/users.js';
import { ConversationViews } from '../../projections/conversations/views.js';
import { caughtUp, startProjection } from './projection.js';
/** The whole stack on a real nats-server: projection, views, and the API on a free port. */
export async function startApiStack(log, bucket = 'api_views', limits = { bodyLimitBytes: 64 * 1024, rateLimitPerMinute: 100_000 }, more = {}) {
    const serviceToken = randomBytes(24).toString('base64url');
    const tokens = new Tokens({ serviceToken, jwtSecret: randomBytes(32).toString('base64url') });
    const runner = await startProjection(log, bucket);
    const views = await ConversationViews.open(log.nc, bucket, bucket);
    const users = await UserDirectory.open(log.nc, `${bucket}_users`);
    const deps = () => ({ log, handler: new CommandHandler(log), views, tokens, users, limits, projectionLag: () => runner.lag(), ...more });
    const api = await startApi(deps(), '127.0.0.1', 0);
    const extra = [];
    return {
        api,
        url: api.url,
        serviceToken,
        tokens,
        runner,
        views,
        token: async (user, ttlSeconds = 3600) => (await tokens.mint(user, ttlSeconds)).token,
        settle: () => caughtUp(runner),
        another: async () => {
            const more = await startApi(deps(), '127.0.0.1', 0);
            extra.push(more);
            return more;
        },
        stop: async () => {
            for (const a of [...extra, api])
                await a.close();
            await runner.stop();
            runner.close();
        },
    };
}
/** fetch with a bearer token and a JSON body; returns status and parsed body. */
export async function call(url, method, token, body) {
    const headers = {};
    if (token)
        headers.authorization = `Bearer ${token}`;
    if (body !== undefined)
        headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let parsed = text;
    try {
        parsed = text ? JSON.parse(text) : undefined;
    }
    catch {
        // NDJSON and plain bodies stay text.
    }
    return { status: res.status, body: parsed };
}
//# sourceMappingURL=api.js.map