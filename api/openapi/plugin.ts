import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import Type from 'typebox'
import { PushBatch } from '../../schemas/index.js'
import { documentedObject, documentedRoute } from './document.js'

const OpenApiDocument = Type.Unknown({ description: 'the OpenAPI 3 document of this API' })

const DESCRIPTION = [
  'Event-sourced messaging: every action is an event with a dense seq in its conversation log.',
  '',
  'Every refusal has one shape (`ErrorBody`) with a stable code; each operation lists the codes it answers with, by status',
  '(also as `x-error-codes`). Before any operation runs, the router may answer `NOT_FOUND` (404), `METHOD_NOT_ALLOWED` (405,',
  'with Allow), `MALFORMED_URL` (400), `URL_TOO_LONG` (414), `MALFORMED_REQUEST` (400), `HEADERS_TOO_LARGE` (431) or `REQUEST_TIMEOUT` (408).',
].join('\n')

/**
 * The OpenAPI document generated from the route schemas (/openapi.json), and the interactive
 * docs page (/docs). The document sees routes as they are added, so this is registered before
 * any route; its own routes are public and limited per address like any other.
 */
export const docs = fp(
  async (app) => {
    await app.register(swagger, {
      transform: ({ route, url }) => ({ schema: documentedRoute(route) ?? {}, url }),
      transformObject: (documents) => documentedObject('openapiObject' in documents ? documents.openapiObject : documents.swaggerObject),
      openapi: {
        openapi: '3.0.3',
        info: { title: 'Seqline API', version: 'v1', description: DESCRIPTION },
        components: {
          // Not a route: what Seqline sends to the platform's push service.
          schemas: { PushBatch },
          securitySchemes: {
            user: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'a user token signed by the platform (sub = user id)' },
            service: { type: 'http', scheme: 'bearer', description: 'the service credential, for /v1/admin' },
          },
        },
        security: [{ user: [] }],
        tags: [
          { name: 'commands', description: 'writes: one event each, idempotent by command id' },
          { name: 'reads', description: 'pulls by seq, inbox, sync, receipts, export' },
          { name: 'threads', description: "a thread's summary and its replies by seq, paged both ways" },
          { name: 'blocks', description: 'my block list: blocked users cannot open, or write in, our direct conversation' },
          { name: 'search', description: "full-text search of the user's history (ClickHouse)" },
          { name: 'admin', description: 'users, tokens, system messages, audit export (service credential)' },
          { name: 'webhooks', description: 'durable, ordered, signed deliveries of the log to platform URLs (service credential)' },
          { name: 'analytics', description: 'search over everything, aggregates and read-only SQL over the history (service credential)' },
          { name: 'retention', description: 'retention policies, user erasure and export, and their audit log (service credential)' },
          { name: 'health', description: 'probes and metrics' },
        ],
      },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
    app.get('/openapi.json', {
      schema: { hide: true, response: { 200: OpenApiDocument } },
      handler: async () => app.swagger(),
    })
  },
  { name: 'seqline-docs', dependencies: ['seqline-rate-limit'] },
)
