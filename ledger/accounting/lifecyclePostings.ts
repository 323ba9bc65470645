// The journal entries of the invoice lifecycle, posted inside the transaction that changes the
// document (invoiceTransitions.ts, payments.ts, creditNotes.ts), so a document and its entry
// commit together or not at all. Each takes the organisation's shared accounting lock first:
// a period close (exclusive) then either runs before the change, or waits for it.
//
// Accounting dates are the document's own, from the caller's clock (UTC date): the invoice's
// `finalized_at`, the payment's `paid_on`, the credit note's issue instant, `voided_at`. An
// entry dated into a closed month posts into the first open one (journals.ts).
//
// Every finalize and void goes through here, so their webhook events are queued here too, in the
// same transaction (webhooks/lifecycleEvents.ts).
import { asc, eq, inArray } from 'drizzle-orm'
import { Dec } from '../../platform/decimal.ts'
import { groupBy } from '../../platform/groupBy.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { creditNotes } from '../schema/creditNotes.ts'
import { invoiceLines, invoices } from '../schema/invoices.ts'
import { minorUnitsOf } from './compute/balancedEntry.ts'
import { deferredSchedule, planLine } from './compute/lineAccounts.ts'
import { creditSplit, postCreditNote, postInvoice, postPayment, postVoid, type CreditNoteForPosting } from './compute/postingRules.ts'
import { creditedSchedule, type ScheduleLine } from './compute/revenueSchedule.ts'
import { chunks } from '../invoiceBulkWrites.ts'
import { createJournalRepository, draftOf, type PostItem } from './journals.ts'
import { lockPeriods } from './periods.ts'
import { lineForPosting, postableMinorUnits, postingContextIn, type LedgerPostingContext } from './postingContext.ts'
import { createRevenueScheduleRepository, type RevenueSchedule, type StoreScheduleInput } from './revenueSchedules.ts'
import { reverseAccrualsIn } from './usageAccruals.ts'
import { queueInvoiceEventIn, queueInvoiceEventsIn } from '../webhooks/lifecycleEvents.ts'
import { storedLineTaxesOf } from '../tax/invoiceTaxes.ts'
import { netOfTax } from '../tax/compute/netOfTax.ts'
import { creditedTax } from '../tax/compute/creditedTax.ts'
import { creditedLinesIn } from '../tax/creditedLines.ts'

type InvoiceRow = typeof invoices.$inferSelect

const dateOf = (at: Date) => at.toISOString().slice(0, 10)

/** Invoice finalized: its entry (postInvoice), the reversal of the usage accrued for its arrears periods (usageAccruals.ts), and one revenue schedule per deferred line. */
export async function postFinalizedIn(tx: Database, invoice: InvoiceRow, at: Date): Promise<void> {
  await postFinalizedManyIn(tx, [{ invoice, at }])
}

/**
 * `postFinalizedIn` of many invoices (a rating chunk's, ledger/invoiceDraftBatch.ts; issue 20):
 * the same entries, reversals, schedules and `invoice.finalized` events, with one lock, chart and
 * currency read per organisation, one read of the lines and of the taxes, and multi-row inserts.
 */
export async function postFinalizedManyIn(tx: Database, finalized: readonly { invoice: InvoiceRow; at: Date }[]): Promise<void> {
  if (finalized.length === 0) return
  const contexts = new Map<string, LedgerPostingContext>()
  for (const orgId of [...new Set(finalized.map((f) => f.invoice.orgId))].sort()) {
    await lockPeriods(tx, orgId, 'post')
    contexts.set(orgId, await postingContextIn(tx, orgId, finalized.find((f) => f.invoice.orgId === orgId)!.at))
  }
  const ids = finalized.map((f) => f.invoice.id)
  const lineRows: (typeof invoiceLines.$inferSelect)[] = []
  for (const part of chunks(ids))
    lineRows.push(...(await tx.select().from(invoiceLines).where(inArray(invoiceLines.invoiceId, part)).orderBy(asc(invoiceLines.position))))
  const rowsOf = groupBy(lineRows, (r) => r.invoiceId)
  const taxesOf = await storedLineTaxesOf(tx, ids)
  const entries: PostItem[] = []
  const reversals: Parameters<typeof reverseAccrualsIn>[1][number][] = []
  const schedules: StoreScheduleInput[] = []
  for (const { invoice, at } of finalized) {
    const ctx = contexts.get(invoice.orgId)!
    const minorUnits = postableMinorUnits(ctx, invoice.currency)
    const rows = rowsOf.get(invoice.id) ?? []
    // Revenue and its schedules are the lines net of their tax; the tax is owed to the tax authority.
    const lines = netOfTax(
      rows.map((r) => lineForPosting(r, ctx)),
      taxesOf.get(invoice.id) ?? [],
    )
    const draft = postInvoice({ ...invoice, postedOn: dateOf(at), lines, tax: invoice.taxTotal }, ctx)
    if (draft !== null) entries.push({ draft, at })
    reversals.push({ ctx, invoice: { ...invoice, postedOn: dateOf(at) }, lines: rows, at })
    for (const line of lines) {
      const schedule = deferredSchedule(line, minorUnits)
      if (schedule === null) continue
      schedules.push({
        orgId: invoice.orgId,
        invoiceId: invoice.id,
        invoiceLineId: line.id,
        productId: line.productId,
        method: planLine(line).method!,
        amount: line.amount,
        currency: invoice.currency,
        serviceStart: line.periodStart!,
        serviceEnd: line.periodEnd!,
        lines: schedule.map((l) => ({ recogniseOn: l.recogniseOn, amount: l.amount })),
        now: at,
      })
    }
  }
  await createJournalRepository(tx).postManyIn(tx, entries)
  await reverseAccrualsIn(tx, reversals)
  await queueInvoiceEventsIn(tx, 'invoice.finalized', finalized)
  await createRevenueScheduleRepository(tx).storeManyIn(tx, schedules)
}

/** Payment recorded: Dr Cash / Cr AR on `paid_on`. */
export async function postPaymentIn(tx: Database, invoice: InvoiceRow, payment: { id: string; amount: string; paidOn: string }, at: Date): Promise<void> {
  await lockPeriods(tx, invoice.orgId, 'post')
  const ctx = await postingContextIn(tx, invoice.orgId, at)
  const draft = postPayment(
    { ...payment, orgId: invoice.orgId, invoiceId: invoice.id, customerId: invoice.customerId, contractId: invoice.contractId, currency: invoice.currency },
    ctx,
  )
  if (draft !== null) await createJournalRepository(tx).postIn(tx, draft, { at })
}

/**
 * Credit note issued: postCreditNote, and for a deferred line the deferred share taken off the
 * months not recognised yet. The split of a credit on a deferred line is by what is still
 * deferred (the schedule's unrecognised lines) against what is left of the line after earlier
 * credit notes; the deferred share is appended to the line's schedule as negative lines on
 * the remaining dates (creditedSchedule), so deferred revenue always equals the schedule's
 * unrecognised lines and deferred + recognised = billed − credited.
 */
export async function postCreditNoteIn(tx: Database, invoice: InvoiceRow, noteId: string, at: Date): Promise<void> {
  await lockPeriods(tx, invoice.orgId, 'post')
  const ctx = await postingContextIn(tx, invoice.orgId, at)
  const minorUnits = minorUnitsOf(ctx.currencies, invoice.currency)
  const [note] = await tx.select().from(creditNotes).where(eq(creditNotes.id, noteId))
  // Credited before this note, per line, and the tax shares given back (this note's lines are already written).
  const { credited, rows, earlier, taxes, shares } = await creditedLinesIn(tx, { id: noteId, invoiceId: invoice.id }, minorUnits)
  const schedules = createRevenueScheduleRepository(tx)
  const byLine = new Map((await schedules.list(invoice.orgId, { invoiceId: invoice.id })).map((s) => [s.invoiceLineId, s]))
  const noteLines: CreditNoteForPosting['lines'][number][] = []
  const reductions: { schedule: RevenueSchedule; lines: ScheduleLine[] }[] = []
  // Revenue is taken back net of tax, as it was posted; the tax shares go back to Tax payable.
  const earlierOf = (lineId: string) => earlier.get(lineId) ?? '0'
  const includedShare = new Map(shares.filter((x) => x.inclusive).map((x) => [x.invoiceLineId, x.tax]))
  for (const c of credited) {
    const row = rows.find((r) => r.id === c.invoiceLineId)!
    const [line] = netOfTax([lineForPosting(row, ctx)], taxes)
    const amount = new Dec(c.amount).minus(includedShare.get(line!.id) ?? '0').toFixed(minorUnits)
    const schedule = byLine.get(line!.id)
    // NOTE: credited as it was billed, whatever its product's mapping says now: a line with a
    // schedule is deferred by the schedule's method; one without was recognised when it posted.
    if (schedule === undefined) {
      noteLines.push({ invoiceLine: planLine(line!).deferred ? { ...line!, method: 'point_in_time' } : line!, amount })
      continue
    }
    const tax = taxes.find((t) => t.lineId === row.id && t.rate.inclusive)
    const earlierNet = new Dec(earlierOf(row.id)).minus(tax ? creditedTax({ amount: row.amount, tax: tax.amount }, '0', earlierOf(row.id), minorUnits) : '0')
    const left = new Dec(line!.amount).minus(earlierNet)
    const remaining = unrecognisedByDate(schedule)
    const deferred = remaining.reduce<Dec>((acc, l) => acc.plus(l.amount), new Dec(0))
    const recognised = Dec.max(0, Dec.min(left, left.minus(deferred)))
    const asBilled = { ...line!, method: schedule.method, amount: left.toFixed(minorUnits) }
    noteLines.push({ invoiceLine: asBilled, amount, recognised: recognised.toFixed(minorUnits) })
    const [deferredShare] = creditSplit(asBilled, recognised.toFixed(minorUnits), new Dec(amount), minorUnits)
    if (!deferredShare!.isZero()) reductions.push({ schedule, lines: creditedSchedule(remaining, deferredShare!.toFixed(minorUnits), minorUnits) })
  }
  const draft = postCreditNote(
    {
      orgId: invoice.orgId,
      id: noteId,
      number: note!.number,
      invoice: { id: invoice.id, customerId: invoice.customerId, contractId: invoice.contractId, currency: invoice.currency },
      postedOn: dateOf(at),
      lines: noteLines,
      tax: shares.reduce((acc, x) => acc.plus(x.tax), new Dec(0)).toFixed(minorUnits),
    },
    ctx,
  )
  if (draft !== null) await createJournalRepository(tx).postIn(tx, draft, { at })
  for (const r of reductions) await schedules.appendIn(tx, { orgId: invoice.orgId, scheduleId: r.schedule.id, lines: r.lines })
}

/** A schedule's unrecognised lines netted per date (earlier credit notes' reductions included), those left positive. */
function unrecognisedByDate(schedule: RevenueSchedule): ScheduleLine[] {
  const net = new Map<string, Dec>()
  for (const l of schedule.lines.filter((x) => x.journalEntryId === null)) net.set(l.recogniseOn, (net.get(l.recogniseOn) ?? new Dec(0)).plus(l.amount))
  return [...net]
    .filter(([, amount]) => amount.greaterThan(0))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([recogniseOn, amount], position) => ({ position, recogniseOn, period: recogniseOn.slice(0, 7), amount: amount.toFixed() }))
}

/**
 * Invoice voided: one entry reversing every entry naming the invoice (its finalization, what its
 * schedules recognised, its credit notes), so each of its accounts is back at zero. Its
 * schedules' unrecognised lines never post (revenueSchedules.unrecognised leaves void invoices out).
 */
export async function postVoidIn(tx: Database, invoice: InvoiceRow, at: Date): Promise<void> {
  await lockPeriods(tx, invoice.orgId, 'post')
  await queueInvoiceEventIn(tx, 'invoice.voided', invoice, at)
  const ctx = await postingContextIn(tx, invoice.orgId, at)
  const journals = createJournalRepository(tx)
  const trail = await journals.entryTrail(invoice.orgId, invoice.id)
  const invoiceEntry = trail.find((e) => e.source.kind === 'invoice')
  if (invoiceEntry === undefined) return
  const draft = postVoid(
    invoice,
    { invoiceEntry: draftOf(invoiceEntry), recognitions: trail.filter((e) => e !== invoiceEntry).map(draftOf), postedOn: dateOf(at) },
    ctx,
  )
  if (draft !== null) await journals.postIn(tx, draft, { at, reversesEntryId: invoiceEntry.id })
}
