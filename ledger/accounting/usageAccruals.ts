// Usage revenue recognised *as consumed* (a product mapped with `accrue_usage`): at each month
// end, the usage consumed but not invoiced yet is accrued, Dr Unbilled receivable / Cr Usage
// revenue (postUsageAccrual, source `accrual` `contractId:productId:monthEnd`), and the invoice
// that bills it reverses the accrual when it is finalized (reverseUsageAccrual, source
// `accrual_reversal`, same key, `reverses_entry_id` the accrual).
//
// What was consumed needs rating (metric runs, prices), which the ledger may not import, so the
// close is handed a `UsageAccrualSource` by the composition root (app/buildApi.ts:
// rating/execute/usageAccrual.ts). It answers, per contract and product, the usage charge of
// the billing period that is open at the month's end, from the period's start (`since`) to the
// month's end: the period to date. The ledger posts that less the accruals of the same contract,
// product and billing period already posted and not reversed, so tiers apply to the period's
// cumulative usage, as on the invoice, and each month accrues what it added.
//
// The "billing period" is the ledger's to check: an accrual is posted only while no finalized or
// paid invoice of the contract bills, in arrears, a period that holds the month's last day;
// finalizing that invoice reverses every unreversed accrual of the contract dated inside one of
// its arrears lines' periods (`[period_start, period_end)`), in its own transaction.
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm'
import { Dec } from '../../platform/decimal.ts'
import { groupBy } from '../../platform/groupBy.ts'
import { UnavailableError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { accounts, journalEntries, journalLines, productRevenueAccounts } from '../schema/accounting.ts'
import { invoiceLines, invoices } from '../schema/invoices.ts'
import { postUsageAccrual, reverseUsageAccrual } from './compute/postingRules.ts'
import { createJournalRepository, draftOf, loadEntries, type PostItem } from './journals.ts'
import type { LedgerPostingContext } from './postingContext.ts'
import { nextPeriod } from './periods.ts'

/** A contract's usage charge of one product from the start of its billing period to a month's end. */
export interface UsageToDate {
  contractId: string
  customerId: string
  productId: string
  currency: string
  /** `YYYY-MM-DD`: the first day of the billing period the charge is of. */
  since: string
  /** Decimal text in the currency's minor units: the period to date, not net of earlier accruals. */
  amount: string
}

/** Rating's answer for a closing month: usage to date of the given products, on contracts whose invoice covering the month's end is not final. */
export type UsageAccrualSource = (request: { orgId: string; period: string; productIds: readonly string[] }) => Promise<UsageToDate[]>

/** The last day of a month `YYYY-MM`, `YYYY-MM-DD`. */
export function monthEndOf(period: string): string {
  const firstOfNext = new Date(`${nextPeriod(period)}-01T00:00:00Z`)
  return new Date(firstOfNext.getTime() - 86_400_000).toISOString().slice(0, 10)
}

/** Products whose usage is recognised as consumed. */
export async function accruingProducts(db: Database, orgId: string): Promise<string[]> {
  const rows = await db
    .select({ productId: productRevenueAccounts.productId })
    .from(productRevenueAccounts)
    .where(and(eq(productRevenueAccounts.orgId, orgId), eq(productRevenueAccounts.accrueUsage, true)))
  return rows.map((r) => r.productId)
}

/**
 * The usage to accrue at the month's end, asked of rating before the close's transaction opens
 * (a metric run must not hold the organisation's accounting lock). 503
 * `usage_accrual_unavailable` when a product accrues but this process has no source.
 */
export async function usageToAccrue(db: Database, source: UsageAccrualSource | undefined, orgId: string, period: string): Promise<UsageToDate[]> {
  const productIds = await accruingProducts(db, orgId)
  if (productIds.length === 0) return []
  if (source === undefined) {
    const message = `products of this organisation accrue usage as consumed, and this process cannot rate usage (no ClickHouse): ${period} was not closed`
    throw new UnavailableError('usage_accrual_unavailable', message, 30)
  }
  return source({ orgId, period, productIds })
}

/** Posts each contract's accrual for the month inside the close (`at`: the close's clock); returns nothing, the summary reads what is posted. */
export async function accrueIn(
  tx: Database,
  ctx: LedgerPostingContext,
  input: { orgId: string; period: string; usage: readonly UsageToDate[]; at: Date },
): Promise<void> {
  const monthEnd = monthEndOf(input.period)
  const accruing = new Set(await accruingProducts(tx, input.orgId))
  const journals = createJournalRepository(tx)
  for (const u of input.usage) {
    if (!accruing.has(u.productId) || (await billedFinal(tx, u.contractId, monthEnd))) continue
    const earlier = await accruedSince(tx, ctx, { ...u, orgId: input.orgId, monthEnd })
    const draft = postUsageAccrual({ ...u, orgId: input.orgId, monthEnd, amount: new Dec(u.amount).minus(earlier).toFixed() }, ctx)
    if (draft !== null) await journals.postIn(tx, draft, { at: input.at })
  }
}

/**
 * Whether a finalized or paid invoice of the contract bills in arrears a period holding `date`.
 * Invoices filed under period −1 (a threshold invoice, a charge invoiced now:
 * rating/execute/adHocInvoice.ts) do not count: they bill usage to a day, not the period, and the
 * accrual source already leaves out what threshold invoices billed. Counting them skipped the
 * month's accrual of every contract that crossed its threshold in the month.
 */
async function billedFinal(tx: Database, contractId: string, date: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: invoices.id })
    .from(invoices)
    .innerJoin(invoiceLines, eq(invoiceLines.invoiceId, invoices.id))
    .where(
      and(
        eq(invoices.contractId, contractId),
        gte(invoices.periodIndex, 0),
        inArray(invoices.status, ['finalized', 'paid']),
        eq(invoiceLines.timing, 'in_arrears'),
        sql`${invoiceLines.periodStart} <= ${date} and ${invoiceLines.periodEnd} > ${date}`,
      ),
    )
    .limit(1)
  return row !== undefined
}

const unreversed = sql`not exists (select 1 from journal_entries r where r.reverses_entry_id = ${journalEntries.id})`

/** Debits less credits on Unbilled receivable of the unreversed accruals of a contract's product dated in `[since, monthEnd)`. */
async function accruedSince(
  tx: Database,
  ctx: LedgerPostingContext,
  a: { orgId: string; contractId: string; productId: string; since: string; monthEnd: string },
): Promise<string> {
  const [row] = await tx
    .select({ net: sql<string | null>`sum(${journalLines.debit} - ${journalLines.credit})::text` })
    .from(journalLines)
    .innerJoin(journalEntries, eq(journalEntries.id, journalLines.entryId))
    .where(
      and(
        eq(journalEntries.orgId, a.orgId),
        eq(journalEntries.sourceKind, 'accrual'),
        gte(journalEntries.datedOn, a.since),
        lt(journalEntries.datedOn, a.monthEnd),
        unreversed,
        eq(journalLines.contractId, a.contractId),
        eq(journalLines.productId, a.productId),
        eq(journalLines.accountCode, ctx.chart.accountFor('unbilled_receivable', a.productId)),
      ),
    )
  return row?.net ?? '0'
}

/**
 * Invoices finalized (postFinalizedIn, same transaction): each reverses every unreversed accrual
 * of its contract dated inside the period of one of its arrears lines, on the invoice's date.
 * One read of the accruals per organisation and one `postManyIn` for every reversal; an accrual
 * two invoices cover is reversed once, by the first (its source key).
 */
export async function reverseAccrualsIn(
  tx: Database,
  finalized: readonly {
    ctx: LedgerPostingContext
    invoice: { orgId: string; contractId: string; postedOn: string }
    lines: readonly (typeof invoiceLines.$inferSelect)[]
    /** The finalization's instant (the caller's clock). */
    at: Date
  }[],
): Promise<void> {
  const spanned = finalized
    .map((f) => ({ ...f, spans: f.lines.filter((l) => l.timing === 'in_arrears' && l.periodStart !== null && l.periodEnd !== null) }))
    .filter((f) => f.spans.length > 0)
  const items: PostItem[] = []
  for (const [orgId, mine] of groupBy(spanned, (f) => f.invoice.orgId)) {
    const ofContracts = tx
      .select({ id: journalLines.entryId })
      .from(journalLines)
      .where(and(eq(journalLines.orgId, orgId), inArray(journalLines.contractId, [...new Set(mine.map((f) => f.invoice.contractId))])))
    const rows = await tx
      .select()
      .from(journalEntries)
      .where(and(eq(journalEntries.orgId, orgId), eq(journalEntries.sourceKind, 'accrual'), inArray(journalEntries.id, ofContracts), unreversed))
    const accruals = (await loadEntries(tx, rows)).sort((a, b) => (a.datedOn < b.datedOn ? -1 : a.datedOn > b.datedOn ? 1 : 0))
    for (const { ctx, invoice, spans, at } of mine) {
      const covered = accruals.filter(
        (a) => a.lines.some((l) => l.contractId === invoice.contractId) && spans.some((l) => l.periodStart! <= a.datedOn && a.datedOn < l.periodEnd!),
      )
      for (const accrual of covered) {
        const draft = reverseUsageAccrual(draftOf(accrual), invoice.postedOn, ctx)
        if (draft !== null) items.push({ draft, at, reversesEntryId: accrual.id })
      }
    }
  }
  if (items.length > 0) await createJournalRepository(tx).postManyIn(tx, items)
}

/** Accrual entries posted in the month and what they accrued (revenue credits less debits) per currency. */
export async function accrualsPostedIn(tx: Database, orgId: string, period: string): Promise<{ entries: number; amounts: Record<string, string> }> {
  const rows = await tx
    .select({
      currency: journalLines.currency,
      entries: sql<number>`count(distinct ${journalEntries.id})::int`,
      amount: sql<string>`sum(${journalLines.credit} - ${journalLines.debit})::text`,
    })
    .from(journalLines)
    .innerJoin(journalEntries, eq(journalEntries.id, journalLines.entryId))
    .innerJoin(accounts, and(eq(accounts.orgId, journalLines.orgId), eq(accounts.code, journalLines.accountCode)))
    .where(
      and(
        eq(journalEntries.orgId, orgId),
        eq(journalEntries.sourceKind, 'accrual'),
        eq(accounts.type, 'revenue'),
        gte(journalEntries.postedOn, `${period}-01`),
        lt(journalEntries.postedOn, `${nextPeriod(period)}-01`),
      ),
    )
    .groupBy(journalLines.currency)
    .orderBy(journalLines.currency)
  return {
    entries: rows.reduce((n, r) => n + Number(r.entries), 0),
    amounts: Object.fromEntries(rows.map((r) => [r.currency, r.amount])),
  }
}
