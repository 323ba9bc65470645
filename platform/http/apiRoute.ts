// Declares one API route: the one contract that validates its input (the zod schemas of
// `request`), documents it in /openapi.json, and bounds its body. Every route module declares
// its routes with this and registers them with `app.openapi(route, handler)` on an `apiApp()`.
import { createRoute, type RouteConfig } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import type { ZodType } from 'zod'
import type { AppEnv } from './appEnv.ts'
import { MANAGEMENT_BODY_BYTES } from './bodyLimits.ts'
import { jsonBody } from './jsonBody.ts'
import { payloadTooLarge } from './readBody.ts'

/** A JSON request body: `request: { body: jsonContent(schema, example) }`. */
export const jsonContent = <S extends ZodType>(schema: S, example?: unknown) => ({
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
})
/** A JSON answer: `responses: { 200: jsonAnswer('The customer', customerJson) }`. */
export const jsonAnswer = <S extends ZodType>(description: string, schema: S) => ({ description, content: { 'application/json': { schema } } })

const ERROR_SCHEMA_REF = { $ref: '#/components/schemas/Error' }
/** An error answer in the document: `{ error: { code, message, details?, hint? } }`. */
export const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ERROR_SCHEMA_REF } } })

/**
 * Refuses a declared Content-Length over the limit. Routes whose handler reads the body itself
 * (ingest's batches and CSV) also count a chunked body as it streams (readBody.ts); a route
 * without a body never reads one.
 */
function declaredLength(maxBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const declared = Number(c.req.header('content-length') ?? 0)
    if (declared > maxBytes) throw payloadTooLarge(maxBytes)
    await next()
  }
}

type ApiRouteConfig = Omit<RouteConfig, 'middleware' | 'parameters'> & {
  /** Largest body read (bytes); MANAGEMENT_BODY_BYTES unless given. */
  maxBodyBytes?: number
}

/**
 * A route as `createRoute` declares it, plus what every route shares: the body limit (a JSON
 * body is read, bounded and parsed before the schema validates it), and in the document the
 * `organisation` header, 401/403 for routes behind an API key (`security: []` marks a public
 * one), 413/415 for routes with a body, the error body of every other answer, and a body
 * `required` unless its schema takes `{}` (an empty JSON body reads as `{}`, jsonBody.ts; a
 * body the handler reads itself, such as ingest's events, is always required).
 */
export function apiRoute<P extends string, R extends ApiRouteConfig & { path: P }>(config: R) {
  const { maxBodyBytes = MANAGEMENT_BODY_BYTES, ...route } = config
  const content = route.request?.body?.content ?? {}
  const isPublic = route.security !== undefined && route.security.length === 0
  const json = content['application/json']
  const validatesJson = json !== undefined && 'schema' in json && typeof (json.schema as { safeParse?: unknown }).safeParse === 'function'
  const body = route.request?.body
  const request =
    body === undefined ? route.request : { ...route.request, body: { ...body, required: !validatesJson || !(json.schema as ZodType).safeParse({}).success } }
  const responses = {
    ...(isPublic ? {} : { 401: errorResponse('Missing, unknown or revoked API key'), 403: errorResponse('The key belongs to another organisation') }),
    ...(route.request?.body
      ? {
          413: errorResponse(`Body over ${maxBodyBytes} bytes (\`payload_too_large\`)`),
          415: errorResponse('Content type not accepted (`unsupported_media_type`)'),
        }
      : {}),
    ...route.responses,
    default: errorResponse('Error: `{ error: { code, message, details?, hint? } }`'),
  } as R['responses']
  return createRoute({
    ...route,
    ...(request === undefined ? {} : { request }),
    ...(isPublic ? {} : { parameters: [{ $ref: '#/components/parameters/organisation' }] }),
    'x-max-body-bytes': maxBodyBytes,
    responses,
    middleware: validatesJson ? jsonBody(maxBodyBytes) : declaredLength(maxBodyBytes),
  })
}
