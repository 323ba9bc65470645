// The history of rating runs (schema/ratingRuns.ts): opened when a run starts, closed when it
// ends. Opening a run marks the organisation's runs still `running` as `abandoned`: their process
// died (or was killed) before closing them, and no one else ever will. A run still going in
// another process is marked too, and closes its row with its real end when it finishes.
import { and, desc, eq, lt, or } from 'drizzle-orm'
import { NotFoundError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { assertOrgId, isUuid, toIso, toIsoOrNull } from './ids.ts'
import { ratingRuns, type RatingRunStatus, type RatingRunTrigger } from './schema/ratingRuns.ts'

export { RATING_RUN_STATUSES } from './schema/ratingRuns.ts'
export type { RatingRunStatus, RatingRunTrigger } from './schema/ratingRuns.ts'

export interface RatingRunCounters {
  contractsRated: number
  invoicesDrafted: number
  invoicesFinalized: number
  skipped: number
  unbilledUsage: number
  heldForReview: number
}

export interface RatingRunStart {
  orgId: string
  trigger: RatingRunTrigger
  actor: string
  period: string | null
  contractId: string | null
  asOf: Date
  at: Date
}

export interface RatingRunRecord extends Omit<RatingRunStart, 'asOf' | 'at'> {
  id: string
  asOf: string
  status: RatingRunStatus
  startedAt: string
  finishedAt: string | null
  /** Null until the run succeeded. */
  counters: RatingRunCounters | null
  error: { code: string; message: string } | null
}

/** Where a page of the history starts: after this run (newest first). */
export interface RatingRunCursor {
  startedAt: string
  id: string
}

export interface RatingRunRepository {
  start(input: RatingRunStart): Promise<RatingRunRecord>
  finish(id: string, end: { at: Date; counters: RatingRunCounters } | { at: Date; error: { code: string; message: string } }): Promise<RatingRunRecord>
  /** Newest first; `next` is the cursor of the following page, null on the last. */
  list(
    orgId: string,
    q: { status?: RatingRunStatus; limit: number; after?: RatingRunCursor },
  ): Promise<{ runs: RatingRunRecord[]; next: RatingRunCursor | null }>
  /** 404 `rating_run_not_found` (also for another organisation's run). */
  get(orgId: string, id: string): Promise<RatingRunRecord>
}

type Row = typeof ratingRuns.$inferSelect

function toRecord(r: Row): RatingRunRecord {
  return {
    id: r.id,
    orgId: r.orgId,
    trigger: r.trigger,
    actor: r.actor,
    period: r.period,
    contractId: r.contractId,
    asOf: toIso(r.asOf),
    status: r.status,
    startedAt: toIso(r.startedAt),
    finishedAt: toIsoOrNull(r.finishedAt),
    counters:
      r.status === 'succeeded'
        ? {
            contractsRated: r.contractsRated ?? 0,
            invoicesDrafted: r.invoicesDrafted ?? 0,
            invoicesFinalized: r.invoicesFinalized ?? 0,
            skipped: r.skipped ?? 0,
            unbilledUsage: r.unbilledUsage ?? 0,
            heldForReview: r.heldForReview ?? 0,
          }
        : null,
    error: r.errorCode === null ? null : { code: r.errorCode, message: r.errorMessage ?? '' },
  }
}

const notFound = (id: string) => new NotFoundError('rating_run_not_found', `no rating run ${id} in this organisation; list them with \`tally rating runs\``)

export function createRatingRunRepository(db: Database): RatingRunRepository {
  return {
    async start(input) {
      assertOrgId(input.orgId)
      const { at, ...rest } = input
      return db.transaction(async (tx) => {
        await tx
          .update(ratingRuns)
          .set({ status: 'abandoned' })
          .where(and(eq(ratingRuns.orgId, input.orgId), eq(ratingRuns.status, 'running')))
        const [row] = await tx
          .insert(ratingRuns)
          .values({ ...rest, status: 'running', startedAt: at })
          .returning()
        return toRecord(row!)
      })
    },

    async finish(id, end) {
      const values =
        'counters' in end
          ? { status: 'succeeded' as const, finishedAt: end.at, ...end.counters }
          : { status: 'failed' as const, finishedAt: end.at, errorCode: end.error.code, errorMessage: end.error.message }
      const [row] = await db.update(ratingRuns).set(values).where(eq(ratingRuns.id, id)).returning()
      if (row === undefined) throw notFound(id)
      return toRecord(row)
    },

    async list(orgId, q) {
      assertOrgId(orgId)
      const after = q.after
      const rows = await db
        .select()
        .from(ratingRuns)
        .where(
          and(
            eq(ratingRuns.orgId, orgId),
            q.status === undefined ? undefined : eq(ratingRuns.status, q.status),
            after === undefined
              ? undefined
              : or(lt(ratingRuns.startedAt, new Date(after.startedAt)), and(eq(ratingRuns.startedAt, new Date(after.startedAt)), lt(ratingRuns.id, after.id))),
          ),
        )
        .orderBy(desc(ratingRuns.startedAt), desc(ratingRuns.id))
        .limit(q.limit + 1)
      const runs = rows.slice(0, q.limit).map(toRecord)
      const last = runs[runs.length - 1]
      return { runs, next: rows.length > q.limit && last ? { startedAt: last.startedAt, id: last.id } : null }
    },

    async get(orgId, id) {
      assertOrgId(orgId)
      if (!isUuid(id)) throw notFound(id)
      const [row] = await db
        .select()
        .from(ratingRuns)
        .where(and(eq(ratingRuns.orgId, orgId), eq(ratingRuns.id, id)))
      if (row === undefined) throw notFound(id)
      return toRecord(row)
    },
  }
}
