// The OpenAPI 3.1 document served at /openapi.json and rendered by /docs. Its paths are
// generated from the routes declared with apiRoute (createApp mounts every route module on one
// OpenAPIHono root); this module adds what every operation shares: the error body, the
// bearer scheme and the `organisation` header.
import { z } from 'zod'

const errorSchema = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable code'),
    message: z.string(),
    details: z.array(z.object({ field: z.string().optional(), index: z.number().int().optional(), code: z.string(), message: z.string() })).optional(),
    hint: z.string().optional(),
  }),
})

/** The document around `paths` (as @hono/zod-openapi generates them from the declared routes). */
export function buildOpenApi(info: { version: string }, paths: Record<string, unknown>): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tally API',
      version: info.version,
      description: 'Usage-based billing: ingest usage events, query usage, manage customers, raw metrics and API keys.',
    },
    components: {
      schemas: { Error: z.toJSONSchema(errorSchema, { io: 'input' }) },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An organisation API key (`tally keys create`) or the admin token' } },
      parameters: {
        organisation: {
          name: 'organisation',
          in: 'header',
          required: false,
          description: 'The organisation id. Optional with an org API key (must match it); required with the admin token.',
          schema: { type: 'string', format: 'uuid' },
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  }
}
