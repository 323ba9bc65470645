// Turns a request body or query string into typed input, or into the 400 answers every
// management endpoint (ledger, catalogue, invoices, runs) shares: `invalid_json` for an unparseable body, `invalid_request` with one
// detail per failing field for a body of the wrong shape; 415 `unsupported_media_type` for a
// body sent as anything but JSON (curl's `-d` alone sends a form).
import type { Context } from 'hono'
import type { z } from 'zod'
import { type ErrorDetail, TallyError, ValidationError } from '../errors.ts'
import { mediaType, readBodyText } from './readBody.ts'

/** Management requests are small; a generous cap still stops a memory-filling body. */
export const MAX_MANAGEMENT_BODY_BYTES = 64 * 1024

/** `tiers[2].up_to` style, the field path format of every error detail. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`
    return acc === '' ? String(key) : `${acc}.${String(key)}`
  }, '')
}

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.flatMap((issue) => {
    // An unknown key is reported at the key itself, not at the enclosing object.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldPath([...issue.path, key]),
        code: 'unknown_field',
        message: `unknown field "${key}"`,
      }))
    }
    return [{ field: fieldPath(issue.path), code: issue.code, message: issue.message }]
  })
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new ValidationError('invalid_request', `The ${what} is invalid`, issuesToDetails(result.error.issues))
  }
  return result.data
}

export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await readBodyText(c, MAX_MANAGEMENT_BODY_BYTES)
  const type = mediaType(c)
  if (text.trim() !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    throw new TallyError('unsupported_media_type', 'unsupported_media_type', `Content-Type "${type || '(none)'}" is not accepted here; send the body as JSON with "Content-Type: application/json"`)
  }
  let value: unknown
  try {
    // An empty body is an empty object, so `POST` with only optional fields needs no `{}`.
    value = text.trim() === '' ? {} : JSON.parse(text)
  } catch (err) {
    throw new ValidationError('invalid_json', `The body is not valid JSON: ${(err as Error).message}`)
  }
  return parseWith(schema, value, 'request body')
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.query(), 'query string')
}
