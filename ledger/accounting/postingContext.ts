// What the lifecycle postings read before they call the posting rules (compute/postingRules.ts):
// the organisation's chart and currency table, read in the posting transaction, and invoice
// lines in the shape the rules take.
import type { Database } from '../../platform/postgres/database.ts'
import { createCurrencyRepository } from '../currencies.ts'
import type { invoiceLines } from '../schema/invoices.ts'
import { postingChartIn, type PostingChart } from './accounts.ts'
import type { PostingContext } from './compute/balancedEntry.ts'
import type { InvoiceLineForPosting } from './compute/lineAccounts.ts'

export interface LedgerPostingContext extends PostingContext {
  products: PostingChart['products']
}

/** The chart (seeded at the first posting, accounts.ts) and currency table of an organisation, inside `tx`. */
export async function postingContextIn(tx: Database, orgId: string): Promise<LedgerPostingContext> {
  const { resolver, products } = await postingChartIn(tx, orgId)
  return { chart: resolver, products, currencies: await createCurrencyRepository(tx).table(orgId) }
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
