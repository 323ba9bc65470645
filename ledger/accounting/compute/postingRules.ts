// The posting rules: pure functions from ledger documents to journal entry drafts
// (journalDraft.ts), balanced per currency, amounts positive, lines that net to zero left out.
// The repository fills the inputs from its rows and posts what comes back; each entry's source
// (kind, key) is derived from the document's id, so posting a document twice posts it once.
//
// - invoice finalized: Dr AR the total (tax included); each line credits its signed amount to
//   its account (lineAccounts.ts: deferred, revenue by kind, discounts, customer credits,
//   rounding); Cr Tax payable.
// - payment: Dr Cash / Cr AR.
// - credit note: Dr the credited lines' accounts (net of tax), Dr Tax payable its tax / Cr AR.
// - void: the invoice entry and its recognitions, reversed as one entry.
// - schedule line: Dr Deferred revenue / Cr Revenue of the line's kind.
// - usage accrual: Dr Unbilled receivable / Cr Usage revenue; reversed when the invoice posts.
// The table with worked examples: ledger/accounting/README.md, "Posting rules and schedules".
//
// A line with a negative amount posts on the other side (a discount debits Discounts). An
// invoice whose total is zero posts its lines without an AR line (e.g. usage paid by credits:
// Dr Customer credits / Cr Usage revenue), and one whose lines all are zero posts nothing (null).
// A negative total (a late-usage adjustment that only gives back) credits AR: the customer's
// receivable falls, as a credit note would make it.
import { Dec } from '../../../platform/decimal.ts'
import { allocate } from './allocate.ts'
import { entryOf, minorUnitsOf, reversalOf, type Posting, type PostingContext } from './balancedEntry.ts'
import type { JournalEntryDraft } from './journalDraft.ts'
import { planLine, revenueRole, type InvoiceLineForPosting } from './lineAccounts.ts'
import type { RevenueKind, ScheduleLine } from './revenueSchedule.ts'

/** A finalized invoice (ledger `invoices` and its lines). */
export interface InvoiceForPosting {
  orgId: string
  id: string
  number: number | null
  customerId: string
  contractId: string
  currency: string
  /** The accounting date: the day it was finalized, `YYYY-MM-DD`. */
  postedOn: string
  lines: readonly InvoiceLineForPosting[]
  /** Tax charged on top of the lines; Tally computes none yet, so it defaults to zero. */
  tax?: string
}

export interface PaymentForPosting {
  orgId: string
  id: string
  invoiceId: string
  customerId: string
  contractId: string
  currency: string
  amount: string
  paidOn: string
}

/** A credit note: what it gives back of each invoice line. */
export interface CreditNoteForPosting {
  orgId: string
  id: string
  number: number | null
  invoice: Pick<InvoiceForPosting, 'id' | 'customerId' | 'contractId' | 'currency'>
  postedOn: string
  lines: readonly {
    invoiceLine: InvoiceLineForPosting
    /** Positive: how much of the line is given back. */
    amount: string
    /** Deferred lines: how much of the line its schedule had recognised by `postedOn` (default 0). */
    recognised?: string
  }[]
  /** The tax it gives back (tax/creditNoteTaxes.ts), debited to Tax payable; default 0. */
  tax?: string
}

/** One line of a revenue schedule and what it belongs to. */
export interface ScheduleLineForPosting {
  orgId: string
  scheduleId: string
  invoiceId: string
  customerId: string
  contractId: string
  productId: string | null
  currency: string
  revenueKind: RevenueKind
  line: ScheduleLine
}

/** Usage consumed in a month but not invoiced yet ("as consumed"), at the month's last day. */
export interface UsageAccrualForPosting {
  orgId: string
  customerId: string
  contractId: string
  productId: string | null
  currency: string
  amount: string
  /** The last day of the month accrued, `YYYY-MM-DD`. */
  monthEnd: string
}

const invoiceLabel = (inv: { id: string; number: number | null }) => (inv.number === null ? `invoice ${inv.id}` : `invoice ${inv.number}`)

/** Invoice finalized: Dr AR the total; each line credits its account (lineAccounts.ts); Cr Tax payable. */
export function postInvoice(invoice: InvoiceForPosting, ctx: PostingContext): JournalEntryDraft | null {
  const tax = new Dec(invoice.tax ?? '0')
  const lines: Posting[] = invoice.lines.map((l) => ({ role: planLine(l).role, productId: l.productId, amount: new Dec(l.amount).negated() }))
  const total = invoice.lines.reduce<Dec>((acc, l) => acc.plus(l.amount), tax)
  return entryOf(
    { ...heads(invoice), source: { kind: 'invoice', key: invoice.id }, postedOn: invoice.postedOn, memo: `${invoiceLabel(invoice)} finalized` },
    [{ role: 'accounts_receivable', productId: null, amount: total }, ...lines, { role: 'tax_payable', productId: null, amount: tax.negated() }],
    ctx,
  )
}

/** Payment received: Dr Cash / Cr AR. */
export function postPayment(payment: PaymentForPosting, ctx: PostingContext): JournalEntryDraft | null {
  const amount = new Dec(payment.amount)
  return entryOf(
    {
      orgId: payment.orgId,
      source: { kind: 'payment', key: payment.id },
      postedOn: payment.paidOn,
      memo: `payment ${payment.id} of invoice ${payment.invoiceId}`,
      currency: payment.currency,
      customerId: payment.customerId,
      contractId: payment.contractId,
      invoiceId: payment.invoiceId,
    },
    [
      { role: 'cash', productId: null, amount },
      { role: 'accounts_receivable', productId: null, amount: amount.negated() },
    ],
    ctx,
  )
}

/**
 * Credit note: each credited amount is taken back from the account its line credited; from a
 * deferred line, from deferred revenue and revenue in proportion to what is still deferred and
 * what is recognised (allocate.ts: the deferred share rounded toward zero, revenue the rest).
 * Cr AR the total. NOTE: the deferred share is no longer to be recognised: `creditedSchedule`
 * gives the schedule lines that take it off the remaining months.
 */
export function postCreditNote(note: CreditNoteForPosting, ctx: PostingContext): JournalEntryDraft | null {
  const minorUnits = minorUnitsOf(ctx.currencies, note.invoice.currency)
  const postings: Posting[] = []
  for (const credited of note.lines) {
    const line = credited.invoiceLine
    const plan = planLine(line)
    const amount = new Dec(credited.amount)
    if (!amount.greaterThan(0)) throw new RangeError(`credit note ${note.id}: credited amount ${credited.amount} is not positive`)
    if (plan.deferred && plan.revenueKind !== null) {
      const [deferred, recognised] = creditSplit(line, credited.recognised ?? '0', amount, minorUnits)
      postings.push({ role: 'deferred_revenue', productId: line.productId, amount: deferred })
      postings.push({ role: revenueRole(plan.revenueKind), productId: line.productId, amount: recognised })
    } else {
      postings.push({ role: plan.role, productId: line.productId, amount })
    }
  }
  postings.push({ role: 'tax_payable', productId: null, amount: new Dec(note.tax ?? '0') })
  const total = postings.reduce<Dec>((acc, p) => acc.plus(p.amount), new Dec(0))
  postings.push({ role: 'accounts_receivable', productId: null, amount: total.negated() })
  return entryOf(
    {
      ...heads({ ...note.invoice, orgId: note.orgId }),
      source: { kind: 'credit_note', key: note.id },
      postedOn: note.postedOn,
      memo: `credit note ${note.number ?? note.id} on invoice ${note.invoice.id}`,
    },
    postings,
    ctx,
  )
}

/** [deferred share, recognised share] of a credit on a deferred line. */
export function creditSplit(line: InvoiceLineForPosting, recognisedSoFar: string, credit: Dec, minorUnits: number): [Dec, Dec] {
  const lineAmount = new Dec(line.amount)
  const recognised = new Dec(recognisedSoFar)
  if (recognised.isNegative() || recognised.greaterThan(lineAmount))
    throw new RangeError(`line ${line.id}: recognised ${recognisedSoFar} is outside 0…${line.amount}`)
  const [deferred, revenue] = allocate(credit, [lineAmount.minus(recognised), recognised], minorUnits)
  return [deferred!, revenue!]
}

/**
 * Void: the invoice entry and every recognition its schedules posted, reversed as one entry
 * (source kind `void`, key the invoice id). The repository cancels the schedules' unposted lines.
 */
export function postVoid(
  invoice: Pick<InvoiceForPosting, 'orgId' | 'id' | 'number'>,
  posted: { invoiceEntry: JournalEntryDraft; recognitions: readonly JournalEntryDraft[]; postedOn: string },
  ctx: PostingContext,
): JournalEntryDraft | null {
  return reversalOf(
    [posted.invoiceEntry, ...posted.recognitions],
    { orgId: invoice.orgId, source: { kind: 'void', key: invoice.id }, postedOn: posted.postedOn, memo: `${invoiceLabel(invoice)} voided` },
    ctx,
  )
}

/** A schedule line recognised: Dr Deferred revenue / Cr the revenue account of its kind and product. */
export function postScheduleLine(s: ScheduleLineForPosting, ctx: PostingContext): JournalEntryDraft | null {
  const amount = new Dec(s.line.amount)
  return entryOf(
    {
      orgId: s.orgId,
      source: { kind: 'schedule_line', key: `${s.scheduleId}:${s.line.position}` },
      postedOn: s.line.recogniseOn,
      memo: `revenue recognised for ${s.line.period} (schedule ${s.scheduleId}, line ${s.line.position})`,
      currency: s.currency,
      customerId: s.customerId,
      contractId: s.contractId,
      invoiceId: s.invoiceId,
    },
    [
      { role: 'deferred_revenue', productId: s.productId, amount },
      { role: revenueRole(s.revenueKind), productId: s.productId, amount: amount.negated() },
    ],
    ctx,
  )
}

/** Usage accrued at month end: Dr Unbilled receivable / Cr Usage revenue; key contract:product:month end. */
export function postUsageAccrual(a: UsageAccrualForPosting, ctx: PostingContext): JournalEntryDraft | null {
  const amount = new Dec(a.amount)
  return entryOf(
    {
      orgId: a.orgId,
      source: { kind: 'accrual', key: accrualKey(a) },
      postedOn: a.monthEnd,
      memo: `usage accrued to ${a.monthEnd}`,
      currency: a.currency,
      customerId: a.customerId,
      contractId: a.contractId,
      invoiceId: null,
    },
    [
      { role: 'unbilled_receivable', productId: a.productId, amount },
      { role: 'revenue_usage', productId: a.productId, amount: amount.negated() },
    ],
    ctx,
  )
}

/** The accrual reversed when the invoice billing that usage posts (same key, kind `accrual_reversal`). */
export function reverseUsageAccrual(accrual: JournalEntryDraft, postedOn: string, ctx: PostingContext): JournalEntryDraft | null {
  return reversalOf(
    [accrual],
    { orgId: accrual.orgId, source: { kind: 'accrual_reversal', key: accrual.source.key }, postedOn, memo: `reversal of ${accrual.memo}` },
    ctx,
  )
}

function accrualKey(a: UsageAccrualForPosting): string {
  return `${a.contractId}:${a.productId ?? 'contract'}:${a.monthEnd}`
}

function heads(doc: Pick<InvoiceForPosting, 'orgId' | 'id' | 'customerId' | 'contractId' | 'currency'>) {
  return { orgId: doc.orgId, currency: doc.currency, customerId: doc.customerId, contractId: doc.contractId, invoiceId: doc.id }
}
