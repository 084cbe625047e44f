import rateLimit from '@fastify/rate-limit';
import { ApiError } from './errors.js';
/**
 * Rate limits every route registered after this (the plugin hooks each route as it is
 * added), per user on user routes and per client IP elsewhere.
 *
 * The limit is a route-level onRequest hook, and Fastify runs route-level hooks after the
 * instance's own: by then the user routes' auth hook has verified the token and set
 * request.user. Keying on that verified subject, rather than on one decoded from an
 * unverified token, keeps anyone from exhausting another user's allowance with forged
 * tokens naming them. A request whose token fails verification is refused (401) before
 * it is counted.
 */
export async function limitRate(app, perMinute) {
    await app.register(rateLimit, {
        global: true,
        max: perMinute,
        timeWindow: 60_000,
        keyGenerator: keyOf,
        errorResponseBuilder: (_request, context) => new ApiError(429, 'RATE_LIMITED', `more than ${context.max} requests per minute; retry in ${context.after}`, {
            limit: context.max,
            retryAfterMs: context.ttl,
        }),
    });
}
function keyOf(request) {
    return request.user ? `user:${request.user}` : `ip:${request.ip}`;
}
//# sourceMappingURL=rate-limit.js.map