import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import Type from 'typebox'

const OpenApiDocument = Type.Unknown({ description: 'the OpenAPI 3 document of this API' })

/**
 * OpenAPI document generated from the route schemas, and the interactive docs page.
 * The document sees routes as they are added, so this is registered before any route.
 */
export const docs = fp(
  async (app) => {
  await app.register(swagger, {
    transform: ({ schema, url }) => ({ schema: schema && documented(schema as Record<string, unknown>), url }),
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
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', {
    schema: { hide: true, response: { 200: OpenApiDocument } },
    handler: async () => app.swagger(),
  })
  },
  { name: 'seqline-docs' },
)

const REQUEST_PARTS = ['querystring', 'params', 'body', 'headers']

/**
 * A route's schema as the document states it. The server fills a missing field that has
 * a default (ajv's useDefaults) before it checks `required`, so to a client such a field
 * is optional: the document must not list it as required.
 */
function documented(schema: Record<string, unknown>): Record<string, unknown> {
  const out = { ...schema }
  for (const part of REQUEST_PARTS) if (out[part]) out[part] = defaultsOptional(out[part])
  return out
}

function defaultsOptional(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(defaultsOptional)
  if (typeof schema !== 'object' || schema === null) return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) out[key] = defaultsOptional(value)
  const properties = out.properties as Record<string, { default?: unknown }> | undefined
  if (properties && Array.isArray(out.required)) {
    const required = (out.required as string[]).filter((name) => properties[name]?.default === undefined)
    if (required.length > 0) out.required = required
    else delete out.required
  }
  return out
}
