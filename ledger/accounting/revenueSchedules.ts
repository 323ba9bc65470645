// Revenue schedules: how one invoice line's amount is recognised over its service period,
// stored with the invoice line it recognises (one schedule per line: storing it again returns
// the first). Many are stored in multi-row inserts (`storeManyIn`: a rating chunk's finalized
// invoices, issue 20). The lines sum to the schedule's amount exactly; a line is recognised once, by the
// journal entry that recognised it.
import { Decimal } from 'decimal.js'
import { and, asc, eq, inArray, isNull, lte, ne, sql } from 'drizzle-orm'
import { ConflictError, UnprocessableError } from '../../platform/errors.ts'
import { isDecimalText } from '../../platform/decimalText.ts'
import { groupBy } from '../../platform/groupBy.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { assertDate } from '../contracts.ts'
import { assertOrgId, isUuid } from '../ids.ts'
import { insertError } from '../insertError.ts'
import { chunks } from '../invoiceBulkWrites.ts'
import { revenueScheduleLines, revenueSchedules } from '../schema/accounting.ts'
import { invoices } from '../schema/invoices.ts'
import type { RecognitionMethod } from './compute/revenueSchedule.ts'
import { assertPeriod, periodOf } from './periods.ts'

export interface ScheduleLine {
  /** The day the amount is recognised; its month is the period whose close recognises it. */
  recogniseOn: string
  amount: string
}

export interface StoreScheduleInput {
  orgId: string
  invoiceId: string
  invoiceLineId: string
  productId: string | null
  method: RecognitionMethod
  amount: string
  currency: string
  /** The service period [start, end), `YYYY-MM-DD`. */
  serviceStart: string
  serviceEnd: string
  lines: ScheduleLine[]
  /** When it is stored (the caller's clock, its invoice's finalization): `created_at`. */
  now: Date
}

export interface RevenueSchedule extends Omit<StoreScheduleInput, 'lines' | 'now'> {
  id: string
  lines: (ScheduleLine & { id: string; position: number; period: string; journalEntryId: string | null })[]
}

export interface RevenueScheduleRepository {
  /** 422 `schedule_unbalanced` when the lines do not sum to the amount exactly. */
  store(input: StoreScheduleInput): Promise<RevenueSchedule>
  /** `store` inside the caller's transaction (the invoice's finalization). */
  storeIn(tx: Database, input: StoreScheduleInput): Promise<RevenueSchedule>
  /** `storeIn` of many schedules (a rating chunk's finalized invoices) in multi-row inserts; answers nothing. */
  storeManyIn(tx: Database, inputs: readonly StoreScheduleInput[]): Promise<void>
  /**
   * Adds lines after a schedule's last position, inside the caller's transaction: a credit
   * note's reduction of the months not recognised yet (negative amounts; lines of zero are
   * left out). The schedule keeps one row per invoice line and its billed `amount`; its lines
   * then sum to the amount less what credit notes took off the deferred part.
   */
  appendIn(tx: Database, input: { orgId: string; scheduleId: string; lines: ScheduleLine[] }): Promise<void>
  /** An organisation's schedules, or one invoice's, in creation order. */
  list(orgId: string, filters?: { invoiceId?: string }): Promise<RevenueSchedule[]>
  /**
   * Lines not recognised yet whose period is `period` or earlier: what closing `period`
   * recognises. A void invoice's schedules are left out: the void entry reversed what they
   * had recognised, and the rest never posts.
   */
  unrecognised(orgId: string, period: string): Promise<RevenueSchedule[]>
  /** Records that `journalEntryId` recognised these lines, inside the posting transaction. 409 `schedule_line_recognised` if one already was. */
  markRecognisedIn(tx: Database, input: { orgId: string; lineIds: string[]; journalEntryId: string }): Promise<void>
}

type ScheduleRow = typeof revenueSchedules.$inferSelect

async function withLines(db: Database, rows: ScheduleRow[], onlyUnrecognisedThrough?: string): Promise<RevenueSchedule[]> {
  if (rows.length === 0) return []
  const lines = await db
    .select()
    .from(revenueScheduleLines)
    .where(
      and(
        inArray(
          revenueScheduleLines.scheduleId,
          rows.map((r) => r.id),
        ),
        onlyUnrecognisedThrough === undefined
          ? undefined
          : and(isNull(revenueScheduleLines.journalEntryId), lte(revenueScheduleLines.period, onlyUnrecognisedThrough)),
      ),
    )
    .orderBy(asc(revenueScheduleLines.position))
  return rows.map(({ createdAt: _createdAt, ...row }) => ({
    ...row,
    lines: lines
      .filter((l) => l.scheduleId === row.id)
      .map((l) => ({ id: l.id, position: l.position, recogniseOn: l.recogniseOn, period: l.period, amount: l.amount, journalEntryId: l.journalEntryId })),
  }))
}

function checkSchedule(input: StoreScheduleInput): void {
  assertOrgId(input.orgId)
  assertDate(input.serviceStart, 'service_start')
  assertDate(input.serviceEnd, 'service_end')
  const amounts = [input.amount, ...input.lines.map((l) => l.amount)]
  if (!amounts.every(isDecimalText)) throw new UnprocessableError('invalid_amount', 'schedule amounts are decimal strings')
  input.lines.forEach((l, i) => assertDate(l.recogniseOn, `lines[${i}].recognise_on`))
  const sum = input.lines.reduce((acc, l) => acc.plus(l.amount), new Decimal(0))
  if (input.lines.length === 0 || !sum.equals(input.amount)) {
    const message = `the schedule's lines sum to ${sum.toFixed()}, its amount is ${input.amount}; they must be equal exactly`
    throw new UnprocessableError('schedule_unbalanced', message, [{ field: 'lines', code: 'schedule_unbalanced', message }])
  }
}

/** Inserts the schedules whose line has none yet, with their lines; 409 `schedule_exists` for a line whose schedule is another organisation's. */
async function storeChecked(tx: Database, inputs: readonly StoreScheduleInput[]): Promise<void> {
  // A line given twice is stored once, by its first input (as storing it again returns the first).
  const byLine = new Map<string, StoreScheduleInput>()
  for (const i of inputs) if (!byLine.has(i.invoiceLineId)) byLine.set(i.invoiceLineId, i)
  const inserted: ScheduleRow[] = []
  for (const part of chunks([...byLine.values()].map(({ lines: _lines, now, ...schedule }) => ({ ...schedule, createdAt: now })))) {
    inserted.push(...(await tx.insert(revenueSchedules).values(part).onConflictDoNothing({ target: revenueSchedules.invoiceLineId }).returning()))
  }
  const lines = inserted.flatMap((row) =>
    byLine
      .get(row.invoiceLineId)!
      .lines.map((l, position) => ({ scheduleId: row.id, position, recogniseOn: l.recogniseOn, period: periodOf(l.recogniseOn), amount: l.amount })),
  )
  for (const part of chunks(lines)) await tx.insert(revenueScheduleLines).values(part)
  const stored = new Set(inserted.map((r) => r.invoiceLineId))
  for (const i of byLine.values()) if (stored.has(i.invoiceLineId)) byLine.delete(i.invoiceLineId)
  for (const [orgId, left] of groupBy(byLine.values(), (i) => i.orgId)) {
    const found = await tx
      .select({ lineId: revenueSchedules.invoiceLineId })
      .from(revenueSchedules)
      .where(
        and(
          eq(revenueSchedules.orgId, orgId),
          inArray(
            revenueSchedules.invoiceLineId,
            left.map((i) => i.invoiceLineId),
          ),
        ),
      )
    const missing = left.find((i) => !found.some((f) => f.lineId === i.invoiceLineId))
    if (missing !== undefined)
      throw new ConflictError('schedule_exists', `invoice line ${missing.invoiceLineId} already has a schedule in another organisation`)
  }
}

/** The stored schedule of one invoice line, after `storeChecked`. */
async function storedFor(tx: Database, input: StoreScheduleInput): Promise<RevenueSchedule> {
  const [row] = await tx
    .select()
    .from(revenueSchedules)
    .where(and(eq(revenueSchedules.orgId, input.orgId), eq(revenueSchedules.invoiceLineId, input.invoiceLineId)))
  return (await withLines(tx, [row!]))[0]!
}

export function createRevenueScheduleRepository(db: Database): RevenueScheduleRepository {
  return {
    async store(input) {
      checkSchedule(input)
      try {
        return await db.transaction(async (raw) => {
          const tx = raw as unknown as Database
          await storeChecked(tx, [input])
          return storedFor(tx, input)
        })
      } catch (err) {
        throw insertError(err, input.orgId)
      }
    },

    async storeIn(tx, input) {
      checkSchedule(input)
      await storeChecked(tx, [input])
      return storedFor(tx, input)
    },

    async storeManyIn(tx, inputs) {
      inputs.forEach(checkSchedule)
      await storeChecked(tx, inputs)
    },

    async appendIn(tx, input) {
      assertOrgId(input.orgId)
      const lines = input.lines.filter((l) => !new Decimal(l.amount).isZero())
      if (lines.length === 0) return
      const [last] = await tx
        .select({ position: sql<number>`max(${revenueScheduleLines.position})::int` })
        .from(revenueScheduleLines)
        .innerJoin(revenueSchedules, eq(revenueSchedules.id, revenueScheduleLines.scheduleId))
        .where(and(eq(revenueSchedules.orgId, input.orgId), eq(revenueSchedules.id, input.scheduleId)))
      if (last?.position === null || last?.position === undefined)
        throw new ConflictError('schedule_not_found', `schedule ${input.scheduleId} has no lines in this organisation`)
      await tx.insert(revenueScheduleLines).values(
        lines.map((l, i) => ({
          scheduleId: input.scheduleId,
          position: Number(last.position) + 1 + i,
          recogniseOn: l.recogniseOn,
          period: periodOf(l.recogniseOn),
          amount: l.amount,
        })),
      )
    },

    async list(orgId, filters = {}) {
      assertOrgId(orgId)
      if (filters.invoiceId !== undefined && !isUuid(filters.invoiceId)) return []
      const rows = await db
        .select()
        .from(revenueSchedules)
        .where(and(eq(revenueSchedules.orgId, orgId), filters.invoiceId === undefined ? undefined : eq(revenueSchedules.invoiceId, filters.invoiceId)))
        .orderBy(asc(revenueSchedules.createdAt), asc(revenueSchedules.id))
      return withLines(db, rows)
    },

    async unrecognised(orgId, period) {
      assertOrgId(orgId)
      assertPeriod(period)
      const due = db
        .select({ id: revenueScheduleLines.scheduleId })
        .from(revenueScheduleLines)
        .where(and(isNull(revenueScheduleLines.journalEntryId), lte(revenueScheduleLines.period, period)))
      const rows = await db
        .select({ schedule: revenueSchedules })
        .from(revenueSchedules)
        .innerJoin(invoices, eq(invoices.id, revenueSchedules.invoiceId))
        .where(and(eq(revenueSchedules.orgId, orgId), inArray(revenueSchedules.id, due), ne(invoices.status, 'void')))
        .orderBy(asc(revenueSchedules.createdAt), asc(revenueSchedules.id))
      return withLines(
        db,
        rows.map((r) => r.schedule),
        period,
      )
    },

    async markRecognisedIn(tx, input) {
      assertOrgId(input.orgId)
      const owned = tx.select({ id: revenueSchedules.id }).from(revenueSchedules).where(eq(revenueSchedules.orgId, input.orgId))
      const marked = await tx
        .update(revenueScheduleLines)
        .set({ journalEntryId: input.journalEntryId })
        .where(
          and(inArray(revenueScheduleLines.id, input.lineIds), isNull(revenueScheduleLines.journalEntryId), inArray(revenueScheduleLines.scheduleId, owned)),
        )
        .returning({ id: revenueScheduleLines.id })
      if (marked.length !== new Set(input.lineIds).size) {
        throw new ConflictError('schedule_line_recognised', 'a schedule line was already recognised (or is not one of this organisation)')
      }
    },
  }
}
