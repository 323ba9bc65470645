// The rating run history as the API answers it (GET /v1/rating/runs, …/{id}) and its query:
// snake_case like every answer; the `cursor` is the last run's `[started_at, id]` (pairCursor.ts).
import { z } from '@hono/zod-openapi'
import { encodePairCursor, pairCursorParam } from '../../platform/http/pairCursor.ts'
import { RATING_RUN_STATUSES, type RatingRunCursor, type RatingRunRecord } from '../../ledger/ratingStore.ts'

export const encodeRatingRunCursor = (cursor: RatingRunCursor): string => encodePairCursor(cursor.startedAt, cursor.id)

const runCursorParam = pairCursorParam((key) => !Number.isNaN(Date.parse(key))).transform((c): RatingRunCursor => ({ startedAt: c.key, id: c.id }))

export const ratingRunListQuery = z.object({
  status: z.enum(RATING_RUN_STATUSES).optional().describe('Only runs in this status'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Runs per page, newest first (1–200, default 50)'),
  cursor: runCursorParam.optional(),
})

export const ratingRunJson = z.object({
  id: z.string(),
  trigger: z.enum(['api', 'scheduler']).describe('`api`: POST /v1/rating/runs (`tally rate`, the console); `scheduler`: the rating job'),
  actor: z.string().describe('`api_key:<key id>`, `admin` or `scheduler`'),
  period: z.string().nullable().describe("The run's `period` filter (YYYY-MM), or null"),
  contract_id: z.string().nullable().describe("The run's `contract_id` filter, or null"),
  as_of: z.string().describe('What was due was decided as of this instant'),
  status: z.enum(RATING_RUN_STATUSES).describe('`running` also when its process was killed; the next run of the organisation marks such a run `abandoned`'),
  started_at: z.string().describe("By the run's clock"),
  finished_at: z.string().nullable(),
  counters: z
    .object({
      contracts_rated: z.number().int(),
      invoices_drafted: z.number().int().describe('Drafts created or updated'),
      invoices_finalized: z.number().int(),
      skipped: z.number().int().describe("Contracts or billing dates skipped, each with a reason (in the run's answer)"),
      unbilled_usage: z.number().int(),
      held_for_review: z.number().int(),
    })
    .nullable()
    .describe('Null unless the run succeeded'),
  error: z.object({ code: z.string(), message: z.string() }).nullable().describe('Why a failed run failed'),
})

export const ratingRunListJson = z.object({
  runs: z.array(ratingRunJson),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page (same filters); null on the last page'),
})

export function ratingRunToJson(r: RatingRunRecord): z.infer<typeof ratingRunJson> {
  return {
    id: r.id,
    trigger: r.trigger,
    actor: r.actor,
    period: r.period,
    contract_id: r.contractId,
    as_of: r.asOf,
    status: r.status,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    counters:
      r.counters === null
        ? null
        : {
            contracts_rated: r.counters.contractsRated,
            invoices_drafted: r.counters.invoicesDrafted,
            invoices_finalized: r.counters.invoicesFinalized,
            skipped: r.counters.skipped,
            unbilled_usage: r.counters.unbilledUsage,
            held_for_review: r.counters.heldForReview,
          },
    error: r.error,
  }
}
