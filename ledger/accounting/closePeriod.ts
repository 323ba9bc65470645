// Closing a month: recognise its revenue, then lock it, in one transaction holding the
// organisation's exclusive accounting lock (periods.ts), so no posting lands in the month
// between the recognition and the lock.
//
// Recognition posts every schedule line not recognised yet whose month is the period or earlier
// (revenueSchedules.unrecognised: void invoices' schedules left out) with `postScheduleLine`,
// one entry per line, source `schedule_line` `scheduleId:position`, so a retried close posts
// nothing twice. A line of an earlier month still open posts into that month; one of an earlier
// closed month (a schedule stored after its month closed) posts on the first day of this one.
// A schedule line of zero (a tiny amount spread thin: JPY 1 over three months is 0 / 0 / 1)
// posts nothing and is not counted.
//
// Before recognition, usage recognised as consumed is accrued at the month's end
// (usageAccruals.ts). What was consumed is asked of `accrueUsage` (rating, given by the
// composition root) before the transaction opens, so no metric run holds the accounting lock;
// the accruals are then posted inside it, each once (source `accrual`, contract:product:month end).
//
// The summary is read from what is posted, not from what this call did: the schedule lines
// whose recognition entry is posted in the month, and the accruals posted in it. Closing a
// closed month posts nothing and returns the same summary with `alreadyClosed`.
import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm'
import type { Database } from '../../platform/postgres/database.ts'
import { assertOrgId } from '../ids.ts'
import { insertError } from '../insertError.ts'
import { journalEntries, revenueScheduleLines, revenueSchedules } from '../schema/accounting.ts'
import { invoiceLines, invoices } from '../schema/invoices.ts'
import { planLine } from './compute/lineAccounts.ts'
import { postScheduleLine } from './compute/postingRules.ts'
import { createJournalRepository } from './journals.ts'
import { assertPeriod, assertPeriodEnded, closeIn, lockPeriods, nextPeriod, statusIn } from './periods.ts'
import { lineForPosting, postingContextIn } from './postingContext.ts'
import { createRevenueScheduleRepository } from './revenueSchedules.ts'
import { accrualsPostedIn, accrueIn, usageToAccrue, type UsageAccrualSource } from './usageAccruals.ts'
import { Dec } from '../../platform/decimal.ts'

export interface ClosePeriodDeps {
  db: Database
  /** Usage consumed to the month's end (rating/execute/usageAccrual.ts); without it, a month with products that accrue usage is not closed (503). */
  accrueUsage?: UsageAccrualSource
}

export interface ClosePeriodRequest {
  orgId: string
  /** `YYYY-MM`. */
  period: string
  /** The caller's clock: the month must have ended by then; it is the close's `closed_at`. */
  at: Date
  actor?: string | null
}

export interface ClosePeriodSummary {
  period: string
  /** Schedule lines recognised by entries posted in the month. */
  recognisedLines: number
  entriesPosted: number
  /** Revenue recognised in the month per currency (decimal text; a credit note's reductions count negative). */
  amounts: Record<string, string>
  /** Usage accrued at the month's end ("as consumed"): accrual entries posted in the month and their revenue per currency. */
  accruals: { entries: number; amounts: Record<string, string> }
  /** The month was closed before this call; nothing was posted. */
  alreadyClosed: boolean
}

/** 422 `period_not_ended` before the month's end, and nothing is written; 400 for a malformed period. */
export async function closePeriod(deps: ClosePeriodDeps, input: ClosePeriodRequest): Promise<ClosePeriodSummary> {
  assertOrgId(input.orgId)
  assertPeriod(input.period)
  assertPeriodEnded(input.period, input.at)
  try {
    const closed = (await statusIn(deps.db, input.orgId, input.period)).status === 'closed'
    const usage = closed ? [] : await usageToAccrue(deps.db, deps.accrueUsage, input.orgId, input.period)
    return await deps.db.transaction(async (raw) => {
      const tx = raw as unknown as Database
      await lockPeriods(tx, input.orgId, 'close')
      const alreadyClosed = (await statusIn(tx, input.orgId, input.period)).status === 'closed'
      if (!alreadyClosed) {
        if (usage.length > 0)
          await accrueIn(tx, await postingContextIn(tx, input.orgId, input.at), { orgId: input.orgId, period: input.period, usage, at: input.at })
        await recogniseIn(tx, input.orgId, input.period, input.at)
        await closeIn(tx, input)
      }
      return summaryIn(tx, input.orgId, input.period, alreadyClosed)
    })
  } catch (err) {
    throw insertError(err, input.orgId)
  }
}

async function recogniseIn(tx: Database, orgId: string, period: string, at: Date): Promise<void> {
  const schedules = await createRevenueScheduleRepository(tx).unrecognised(orgId, period)
  if (schedules.length === 0) return
  const ctx = await postingContextIn(tx, orgId, at)
  const lines = await tx
    .select()
    .from(invoiceLines)
    .where(
      inArray(
        invoiceLines.id,
        schedules.map((s) => s.invoiceLineId),
      ),
    )
  const heads = await tx
    .select({ id: invoices.id, customerId: invoices.customerId, contractId: invoices.contractId })
    .from(invoices)
    .where(
      inArray(
        invoices.id,
        schedules.map((s) => s.invoiceId),
      ),
    )
  const journals = createJournalRepository(tx)
  const scheduleRepo = createRevenueScheduleRepository(tx)
  for (const schedule of schedules) {
    const head = heads.find((h) => h.id === schedule.invoiceId)!
    // NOTE: the revenue kind is read again from the line and its product's mapping at close;
    // the product's account (the resolver) decides where it posts when it is mapped.
    const revenueKind =
      planLine(
        lineForPosting(
          lines.find((l) => l.id === schedule.invoiceLineId)!,
          ctx,
        ),
      ).revenueKind ?? 'subscription'
    for (const line of schedule.lines.filter((l) => !new Dec(l.amount).isZero())) {
      const draft = postScheduleLine(
        {
          orgId,
          scheduleId: schedule.id,
          invoiceId: schedule.invoiceId,
          customerId: head.customerId,
          contractId: head.contractId,
          productId: schedule.productId,
          currency: schedule.currency,
          revenueKind,
          line: { position: line.position, recogniseOn: line.recogniseOn, period: line.period, amount: line.amount },
        },
        ctx,
      )
      const entry = await journals.postIn(tx, draft!, { at })
      await scheduleRepo.markRecognisedIn(tx, { orgId, lineIds: [line.id], journalEntryId: entry.id })
    }
  }
}

async function summaryIn(tx: Database, orgId: string, period: string, alreadyClosed: boolean): Promise<ClosePeriodSummary> {
  const rows = await tx
    .select({
      currency: revenueSchedules.currency,
      lines: sql<number>`count(*)::int`,
      entries: sql<number>`count(distinct ${journalEntries.id})::int`,
      amount: sql<string>`sum(${revenueScheduleLines.amount})::text`,
    })
    .from(revenueScheduleLines)
    .innerJoin(revenueSchedules, eq(revenueSchedules.id, revenueScheduleLines.scheduleId))
    .innerJoin(journalEntries, eq(journalEntries.id, revenueScheduleLines.journalEntryId))
    .where(and(eq(revenueSchedules.orgId, orgId), gte(journalEntries.postedOn, `${period}-01`), lt(journalEntries.postedOn, `${nextPeriod(period)}-01`)))
    .groupBy(revenueSchedules.currency)
    .orderBy(asc(revenueSchedules.currency))
  return {
    period,
    recognisedLines: rows.reduce((n, r) => n + Number(r.lines), 0),
    entriesPosted: rows.reduce((n, r) => n + Number(r.entries), 0),
    amounts: Object.fromEntries(rows.map((r) => [r.currency, r.amount])),
    accruals: await accrualsPostedIn(tx, orgId, period),
    alreadyClosed,
  }
}
