import { z, type ZodType } from 'zod'

/** One documented endpoint. Route modules export a list of these next to their routes. */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI path, `{param}` style. */
  path: string
  summary: string
  tag: string
  /** Public endpoints need no API key. */
  public?: boolean
  pathParams?: Record<string, string>
  query?: z.ZodObject
  body?: { contentType: string; schema?: ZodType; example?: unknown }[]
  responses: Record<number, { description: string; schema?: ZodType }>
}

const errorSchema = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable code'),
    message: z.string(),
    details: z
      .array(z.object({ field: z.string().optional(), index: z.number().int().optional(), code: z.string(), message: z.string() }))
      .optional(),
    hint: z.string().optional(),
  }),
})

function jsonSchema(schema: ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
}

/**
 * Builds the OpenAPI 3.1 document served at /openapi.json: the paths of the routes declared
 * with apiRoute (`declared`, generated from their schemas) and of the hand-listed operations
 * of route modules not yet declared that way.
 */
export function buildOpenApi(info: { version: string }, operations: ApiOperation[], declared: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = structuredClone(declared)
  for (const op of operations) {
    const parameters: unknown[] = []
    for (const [name, description] of Object.entries(op.pathParams ?? {})) {
      parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } })
    }
    if (op.query) {
      for (const [name, schema] of Object.entries(op.query.shape)) {
        parameters.push({ name, in: 'query', required: !(schema as ZodType).safeParse(undefined).success, schema: jsonSchema(schema as ZodType) })
      }
    }
    if (!op.public) parameters.push({ $ref: '#/components/parameters/organisation' })
    const responses: Record<string, unknown> = {}
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = { description: r.description, ...(r.schema ? { content: { 'application/json': { schema: jsonSchema(r.schema) } } } : {}) }
    }
    if (!op.public) {
      responses['401'] ??= { description: 'Missing, unknown or revoked API key', content: { 'application/json': { schema: jsonSchema(errorSchema) } } }
      responses['403'] ??= { description: 'The key belongs to another organisation', content: { 'application/json': { schema: jsonSchema(errorSchema) } } }
    }
    responses.default = { description: 'Error', content: { 'application/json': { schema: jsonSchema(errorSchema) } } }
    paths[op.path] ??= {}
    paths[op.path]![op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.public ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                op.body.map((b) => [b.contentType, { ...(b.schema ? { schema: jsonSchema(b.schema) } : {}), ...(b.example !== undefined ? { example: b.example } : {}) }]),
              ),
            },
          }
        : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tally API',
      version: info.version,
      description: 'Usage-based billing: ingest usage events, query usage, manage customers, raw metrics and API keys.',
    },
    components: {
      schemas: { Error: jsonSchema(errorSchema) },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An organisation API key (`tally keys create`) or the admin token' } },
      parameters: {
        organisation: {
          name: 'organisation',
          in: 'header',
          required: false,
          description: "The organisation id. Optional with an org API key (must match it); required with the admin token.",
          schema: { type: 'string', format: 'uuid' },
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  }
}
