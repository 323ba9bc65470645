// Reads a JSON request body for the route's schema validator (apiRoute.ts): the limit is
// enforced while reading (413 `payload_too_large`), a non-empty body that is not JSON is 415
// `unsupported_media_type` (curl's `-d` alone sends a form) or 400 `invalid_json`, and an empty
// body reads as `{}`, so a POST whose fields are all optional needs no body.
import type { MiddlewareHandler } from 'hono'
import { TallyError, ValidationError } from '../errors.ts'
import type { AppEnv } from './appEnv.ts'
import { mediaType, readBodyText } from './readBody.ts'

export function jsonBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const text = await readBodyText(c, maxBytes)
    const empty = text.trim() === ''
    const type = mediaType(c)
    if (!empty && type !== 'application/json' && !type.endsWith('+json')) {
      throw new TallyError(
        'unsupported_media_type',
        'unsupported_media_type',
        `Content-Type "${type || '(none)'}" is not accepted here; send the body as JSON with "Content-Type: application/json"`,
      )
    }
    if (!empty) {
      try {
        JSON.parse(text)
      } catch (err) {
        throw new ValidationError('invalid_json', `The body is not valid JSON: ${(err as Error).message}`)
      }
    }
    // The validator after this reads the body again, as JSON: hand it the text just read.
    const headers = new Headers(c.req.raw.headers)
    headers.set('content-type', 'application/json')
    headers.delete('content-length')
    c.req.raw = new Request(c.req.raw.url, { method: c.req.raw.method, headers, body: empty ? '{}' : text })
    await next()
  }
}
