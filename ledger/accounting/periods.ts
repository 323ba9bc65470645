// Accounting periods: calendar months (UTC), open until closed. Closing locks a month: an entry
// dated into a closed month posts on the first day of the first open month after it (journals.ts
// asks `firstOpenPeriodOnOrAfter`), and the database refuses any entry dated into a closed month
// (migration 0009). Reopening is an explicit action with a reason; both are recorded in
// `accounting_period_events`.
//
// NOTE: posting and closing are serialised per organisation by a transaction-scoped advisory
// lock, shared for posting and exclusive for close and reopen, so a close waits for postings in
// flight and no posting reads a period's state while it changes.
import { and, asc, eq, gte, sql } from 'drizzle-orm'
import { UnprocessableError, ValidationError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { assertDate } from '../contracts.ts'
import { assertOrgId, toIso, toIsoOrNull } from '../ids.ts'
import { insertError } from '../insertError.ts'
import { accountingPeriodEvents, accountingPeriods, PERIOD, type PeriodAction, type PeriodStatus } from '../schema/accounting.ts'

export interface AccountingPeriod {
  period: string
  status: PeriodStatus
  closedAt: string | null
  closedBy: string | null
}

export interface PeriodEvent {
  period: string
  action: PeriodAction
  reason: string | null
  actor: string | null
  at: string
}

export interface ClosePeriodInput {
  orgId: string
  period: string
  /** The caller's clock: a month can be closed once it has ended, and this is `closed_at`. */
  at: Date
  actor?: string | null
}

export interface ReopenPeriodInput extends ClosePeriodInput {
  /** Why the month is reopened; required, it is the audit trail. */
  reason: string
}

export interface PeriodRepository {
  /** A month's state; a month never closed is open. */
  status(orgId: string, period: string): Promise<AccountingPeriod>
  /** Months that were ever closed, in order, with their current state. */
  list(orgId: string): Promise<AccountingPeriod[]>
  /** Closing a closed month is a no-op (unchanged, no event). 422 `period_not_ended` before its end. */
  close(input: ClosePeriodInput): Promise<AccountingPeriod>
  /** Reopening an open month is a no-op. 400 `invalid_request` (detail `reason_required`) without a reason. */
  reopen(input: ReopenPeriodInput): Promise<AccountingPeriod>
  events(orgId: string): Promise<PeriodEvent[]>
  /** The month an entry dated `date` (`YYYY-MM-DD`) posts into: its own, or the first open one after it. */
  firstOpenPeriodOnOrAfter(orgId: string, date: string): Promise<string>
}

/** `YYYY-MM` of a `YYYY-MM-DD` date. */
export function periodOf(date: string): string {
  return date.slice(0, 7)
}

export function nextPeriod(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number]
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`
}

export function assertPeriod(period: string): string {
  if (!PERIOD.test(period)) {
    throw new ValidationError('invalid_request', `period must be a month such as 2026-11, got ${period}`, [
      { field: 'period', code: 'invalid_period', message: 'expected YYYY-MM' },
    ])
  }
  return period
}

/** Takes the organisation's accounting lock for the rest of the transaction (see the NOTE above). */
export async function lockPeriods(tx: Database, orgId: string, mode: 'post' | 'close'): Promise<void> {
  const key = sql`hashtextextended(${`tally.accounting.${orgId}`}, 0)`
  await tx.execute(mode === 'post' ? sql`select pg_advisory_xact_lock_shared(${key})` : sql`select pg_advisory_xact_lock(${key})`)
}

/** `firstOpenPeriodOnOrAfter` inside a transaction (after `lockPeriods`). */
export async function firstOpenPeriodIn(tx: Database, orgId: string, date: string): Promise<string> {
  let period = periodOf(assertDate(date, 'posted_on'))
  const closed = await tx
    .select({ period: accountingPeriods.period })
    .from(accountingPeriods)
    .where(and(eq(accountingPeriods.orgId, orgId), eq(accountingPeriods.status, 'closed'), gte(accountingPeriods.period, period)))
    .orderBy(asc(accountingPeriods.period))
  for (const row of closed) {
    if (row.period !== period) break
    period = nextPeriod(period)
  }
  return period
}

function toPeriod(row: typeof accountingPeriods.$inferSelect): AccountingPeriod {
  return { period: row.period, status: row.status, closedAt: toIsoOrNull(row.closedAt), closedBy: row.closedBy }
}

const openPeriod = (period: string): AccountingPeriod => ({ period, status: 'open', closedAt: null, closedBy: null })

export async function statusIn(tx: Database, orgId: string, period: string): Promise<AccountingPeriod> {
  const [row] = await tx
    .select()
    .from(accountingPeriods)
    .where(and(eq(accountingPeriods.orgId, orgId), eq(accountingPeriods.period, period)))
  return row === undefined ? openPeriod(period) : toPeriod(row)
}

/** 422 `period_not_ended` unless the month has ended at `at`. */
export function assertPeriodEnded(period: string, at: Date): void {
  const ends = `${nextPeriod(assertPeriod(period))}-01T00:00:00.000Z`
  if (at.getTime() < Date.parse(ends)) {
    const message = `period ${period} ends at ${ends}; it can be closed from then (it is ${at.toISOString()})`
    throw new UnprocessableError('period_not_ended', message, [{ field: 'period', code: 'period_not_ended', message }])
  }
}

/** Moves a month to `to` and records the action, unless it is already there; the caller holds the exclusive lock. */
async function changeIn(tx: Database, input: ClosePeriodInput & { reason: string | null }, to: PeriodStatus): Promise<AccountingPeriod> {
  const current = await statusIn(tx, input.orgId, input.period)
  if (current.status === to) return current
  const closed = to === 'closed'
  const values = { status: to, closedAt: closed ? input.at : null, closedBy: closed ? (input.actor ?? null) : null }
  const [row] = await tx
    .insert(accountingPeriods)
    .values({ orgId: input.orgId, period: input.period, ...values })
    .onConflictDoUpdate({ target: [accountingPeriods.orgId, accountingPeriods.period], set: values })
    .returning()
  const action: PeriodAction = closed ? 'close' : 'reopen'
  await tx
    .insert(accountingPeriodEvents)
    .values({ orgId: input.orgId, period: input.period, action, reason: input.reason, actor: input.actor ?? null, at: input.at })
  return toPeriod(row!)
}

/**
 * Closes an ended month inside the caller's transaction, taking the exclusive lock first (a
 * no-op when it is closed): closePeriod.ts recognises the month's revenue in the same transaction.
 */
export async function closeIn(tx: Database, input: ClosePeriodInput): Promise<AccountingPeriod> {
  assertPeriodEnded(input.period, input.at)
  await lockPeriods(tx, input.orgId, 'close')
  return changeIn(tx, { ...input, reason: null }, 'closed')
}

export function createPeriodRepository(db: Database): PeriodRepository {
  const change = async (input: ClosePeriodInput & { reason: string | null }, to: PeriodStatus) => {
    try {
      return await db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        await lockPeriods(tx, input.orgId, 'close')
        return changeIn(tx, input, to)
      })
    } catch (err) {
      throw insertError(err, input.orgId)
    }
  }

  return {
    async status(orgId, period) {
      assertOrgId(orgId)
      return statusIn(db, orgId, assertPeriod(period))
    },

    async list(orgId) {
      assertOrgId(orgId)
      const rows = await db.select().from(accountingPeriods).where(eq(accountingPeriods.orgId, orgId)).orderBy(asc(accountingPeriods.period))
      return rows.map(toPeriod)
    },

    async close(input) {
      assertOrgId(input.orgId)
      assertPeriodEnded(input.period, input.at)
      return change({ ...input, reason: null }, 'closed')
    },

    async reopen(input) {
      assertOrgId(input.orgId)
      assertPeriod(input.period)
      const reason = (input.reason ?? '').trim()
      if (reason === '') {
        throw new ValidationError('invalid_request', 'reopening a period needs a reason: it is the audit trail of the change', [
          { field: 'reason', code: 'reason_required', message: 'say why the period is reopened' },
        ])
      }
      return change({ ...input, reason }, 'open')
    },

    async events(orgId) {
      assertOrgId(orgId)
      const rows = await db
        .select()
        .from(accountingPeriodEvents)
        .where(eq(accountingPeriodEvents.orgId, orgId))
        .orderBy(asc(accountingPeriodEvents.at), asc(accountingPeriodEvents.period))
      return rows.map((r) => ({ period: r.period, action: r.action, reason: r.reason, actor: r.actor, at: toIso(r.at) }))
    },

    async firstOpenPeriodOnOrAfter(orgId, date) {
      assertOrgId(orgId)
      return firstOpenPeriodIn(db, orgId, date)
    },
  }
}
