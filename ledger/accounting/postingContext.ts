// What the lifecycle postings read before they call the posting rules (compute/postingRules.ts):
// the organisation's chart and currency table, read in the posting transaction, and invoice
// lines in the shape the rules take.
import { UnprocessableError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { createCurrencyRepository } from '../currencies.ts'
import type { invoiceLines } from '../schema/invoices.ts'
import { postingChartIn, type PostingChart } from './accounts.ts'
import type { PostingContext } from './compute/balancedEntry.ts'
import type { InvoiceLineForPosting } from './compute/lineAccounts.ts'

export interface LedgerPostingContext extends PostingContext {
  products: PostingChart['products']
}

/** The chart (seeded at the first posting, accounts.ts, `at` the caller's clock) and currency table of an organisation, inside `tx`. */
export async function postingContextIn(tx: Database, orgId: string, at: Date): Promise<LedgerPostingContext> {
  const { resolver, products } = await postingChartIn(tx, orgId, at)
  return { chart: resolver, products, currencies: await createCurrencyRepository(tx).table(orgId) }
}

/**
 * The minor units entries in `currency` are written with. 422 `invalid_currency` for a currency
 * the organisation's table does not hold (an invoice rated from an undeclared inline price
 * unit): its amounts cannot be posted until the currency is declared, so it is not finalized.
 */
export function postableMinorUnits(ctx: PostingContext, currency: string): number {
  const units = ctx.currencies.minorUnits(currency)
  if (units !== undefined) return units
  const message = `${currency} is not a currency of this organisation, so its invoices cannot be posted to the journal`
  throw new UnprocessableError('invalid_currency', message, [{ field: 'currency', code: 'invalid_currency', message }], {
    hint: `declare it first (POST /v1/currencies with code ${currency} and its precision)`,
  })
}

/** An `invoice_lines` row as the posting rules read it, with its product's revenue mapping. */
export function lineForPosting(row: typeof invoiceLines.$inferSelect, ctx: Pick<LedgerPostingContext, 'products'>): InvoiceLineForPosting {
  const product = row.productId === null ? undefined : ctx.products.get(row.productId)
  return {
    id: row.id,
    timing: row.timing,
    kind: row.kind,
    amount: row.amount,
    description: row.description,
    productId: row.productId,
    metered: row.metricName !== null,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    revenueKind: product?.revenueKind ?? null,
    method: product?.method ?? null,
  }
}
