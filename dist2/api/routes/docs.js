import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Type from 'typebox';
import { limitRate } from '../rate-limit.js';
const OpenApiDocument = Type.Unknown({ description: 'the OpenAPI 3 document of this API' });
/**
 * OpenAPI document generated from the route schemas, and the interactive docs page; rate limits.
 * Both plugins see routes as they are added, so this runs before any route is registered.
 */
export async function docs(app, deps) {
    await limitRate(app, deps.limits.rateLimitPerMinute);
    await app.register(swagger, {
        openapi: {
            openapi: '3.0.3',
            info: {
                title: 'Seqline API',
                version: 'v1',
                description: 'Event-sourced messaging: every action is an event with a dense seq in its conversation log.',
            },
            components: {
                securitySchemes: {
                    user: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'a user token signed by the platform (sub = user id)' },
                    service: { type: 'http', scheme: 'bearer', description: 'the service credential, for /v1/admin' },
                },
            },
            security: [{ user: [] }],
            tags: [
                { name: 'commands', description: 'writes: one event each, idempotent by command id' },
                { name: 'reads', description: 'pulls by seq, inbox, sync, receipts, export' },
                { name: 'admin', description: 'users, tokens, system messages, audit export (service credential)' },
                { name: 'health', description: 'probes and metrics' },
            ],
        },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', {
        schema: { hide: true, response: { 200: OpenApiDocument } },
        handler: async () => app.swagger(),
    });
}
//# sourceMappingURL=docs.js.map