// The opaque `cursor` of a keyset-paged list (GET /v1/events, GET /v1/rating/runs, GET /v1/products,
// GET /v1/plans): base64url of the JSON pair `[sort key, id]` of a page's last row. Opaque so
// clients pass it back as given; a pair so rows with equal sort keys are neither skipped nor repeated.
import { z } from 'zod'

export function encodePairCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id]), 'utf8').toString('base64url')
}

/** A `cursor` query parameter read back as its pair; `validKey` checks the sort key's form. */
export function pairCursorParam(validKey: (key: string) => boolean) {
  return z
    .string()
    .transform((text, ctx): { key: string; id: string } => {
      try {
        const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
        if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && validKey(value[0]) && typeof value[1] === 'string')
          return { key: value[0], id: value[1] }
      } catch {
        // not JSON: reported below
      }
      ctx.addIssue({ code: 'custom', message: 'not a cursor this endpoint returned (next_cursor)' })
      return z.NEVER
    })
    .describe('The `next_cursor` of the previous page')
}
