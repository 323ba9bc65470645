// The paging of the catalogue's lists (GET /v1/products, GET /v1/plans): `limit` and the opaque
// `cursor` of GET /v1/events and GET /v1/rating/runs (pairCursor.ts), here the pair
// `[name, id]` of a page's last row (ledger/namePage.ts).
import { z } from '@hono/zod-openapi'
import { isUuid, type NameCursor, type NamePage } from '../../ledger/ratingStore.ts'
import { containsParam } from '../../platform/http/containsParam.ts'
import { encodePairCursor, pairCursorParam } from '../../platform/http/pairCursor.ts'

export const MAX_CATALOGUE_PAGE = 1000

const nameCursorParam = pairCursorParam((key) => key.length > 0)
  .refine((c) => isUuid(c.id), 'not a cursor this endpoint returned (next_cursor)')
  .transform((c): NameCursor => ({ name: c.key, id: c.id }))

export const namePageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_CATALOGUE_PAGE).default(100).describe(`Rows per page, in name order (1–${MAX_CATALOGUE_PAGE}, default 100)`),
  cursor: nameCursorParam.optional(),
  q: containsParam('name').describe(
    'Only those whose name contains this text, case-insensitively (`%` and `_` are plain characters; empty: all); pass it again with `cursor`',
  ),
})

export const nextCursorJson = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page')

/** A page's JSON: its rows as `data` and the `next_cursor`. */
export function namePageJson<T, J>(page: NamePage<T>, toJson: (item: T) => J): { data: J[]; next_cursor: string | null } {
  return { data: page.items.map(toJson), next_cursor: page.next === null ? null : encodePairCursor(page.next.name, page.next.id) }
}
