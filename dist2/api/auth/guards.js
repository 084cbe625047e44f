import { ApiError } from '../errors.js';
export function bearer(request) {
    const header = request.headers.authorization;
    if (!header)
        throw new ApiError(401, 'UNAUTHORIZED', 'missing Authorization: Bearer <token>');
    const [scheme, token] = header.split(' ');
    if (scheme !== 'Bearer' || !token)
        throw new ApiError(401, 'UNAUTHORIZED', 'the Authorization header must be Bearer <token>');
    return token;
}
/** onRequest of user routes: a valid user token, or 401 (429 once an IP has failed too often this minute). */
export function requireUser(tokens, failures) {
    return async (request) => {
        refuseIfBlocked(request, failures);
        try {
            request.user = await tokens.user(bearer(request));
        }
        catch (err) {
            failures.record(request.ip);
            throw err;
        }
    };
}
/** onRequest of admin routes: the service credential, or 401 (429 once an IP has failed too often this minute). */
export function requireService(tokens, failures) {
    return async (request) => {
        refuseIfBlocked(request, failures);
        const ok = (() => {
            try {
                return tokens.isService(bearer(request));
            }
            catch {
                return false;
            }
        })();
        if (ok)
            return;
        failures.record(request.ip);
        throw new ApiError(401, 'UNAUTHORIZED', 'admin endpoints need the service credential');
    };
}
function refuseIfBlocked(request, failures) {
    if (failures.blocked(request.ip))
        throw new ApiError(429, 'RATE_LIMITED', 'too many failed authentications from this address; retry in a minute');
}
//# sourceMappingURL=guards.js.map