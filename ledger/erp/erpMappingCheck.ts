// A connection's account map must cover every account a document can name, or documents would
// be queued that the ERP cannot take. Checked when the map is stored (create, update), against
// the organisation's chart (seeded first, as at the first posting): every account but accounts
// receivable, which leaves only through invoices and payments (Xero, QuickBooks and NetSuite
// post AR themselves; Xero forbids journaling it). For ERPs whose invoice lines go through items
// (QuickBooks, NetSuite: `needsItems` in the adapter registry) the map also names
// `item.<code>` for every account an invoice or credit-note line can post to: revenue and
// contra-revenue accounts, deferred revenue (lines billed in advance), customer credits
// (prepayments and credit draws) and rounding. An unmapped account or item is
// named with the products whose revenue posts to it.
import { and, asc, eq, isNull } from 'drizzle-orm'
import { UnprocessableError, type ErrorDetail } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { postingChartIn } from '../accounting/accounts.ts'
import type { AccountType } from '../accounting/compute/chartOfAccounts.ts'
import type { AccountRole } from '../accounting/compute/journalDraft.ts'
import { accounts, productRevenueAccounts } from '../schema/accounting.ts'
import { products } from '../schema/products.ts'

/** An account map key naming the ERP item invoice and credit-note lines of a Tally account go through: `item.4000`. */
export const ITEM_PREFIX = 'item.'

/** The accounts invoice and credit-note lines post to (compute/lineAccounts.ts), which need an item where the ERP books lines through items. */
const ITEM_ACCOUNT_TYPES: ReadonlySet<AccountType> = new Set(['revenue', 'contra_revenue'])
const ITEM_ACCOUNT_ROLES: ReadonlySet<AccountRole> = new Set(['deferred_revenue', 'customer_credits', 'rounding'])
const needsItem = (a: { type: AccountType; role: AccountRole | null }) => ITEM_ACCOUNT_TYPES.has(a.type) || (a.role !== null && ITEM_ACCOUNT_ROLES.has(a.role))

/**
 * 422 `erp_mapping_incomplete`, one detail per unmapped account (field `account_map.<code>`) and,
 * when `needsItems`, per account invoice lines post to without an item (`account_map.item.<code>`).
 * The chart is seeded first when a role has no account (created `now`, the caller's clock).
 */
export async function assertMappingCompleteIn(tx: Database, orgId: string, accountMap: Record<string, string>, needsItems: boolean, now: Date): Promise<void> {
  await postingChartIn(tx, orgId, now)
  const chart = await tx
    .select({ code: accounts.code, name: accounts.name, type: accounts.type, role: accounts.role })
    .from(accounts)
    .where(and(eq(accounts.orgId, orgId), isNull(accounts.archivedAt)))
    .orderBy(asc(accounts.code))
  const unmapped = chart.filter((a) => a.role !== 'accounts_receivable' && !(a.code in accountMap))
  const itemless = needsItems ? chart.filter((a) => needsItem(a) && !(`${ITEM_PREFIX}${a.code}` in accountMap)) : []
  if (unmapped.length === 0 && itemless.length === 0) return
  const mapped = await tx
    .select({ code: productRevenueAccounts.accountCode, product: products.name })
    .from(productRevenueAccounts)
    .innerJoin(products, eq(products.id, productRevenueAccounts.productId))
    .where(eq(productRevenueAccounts.orgId, orgId))
    .orderBy(asc(products.name))
  const postingTo = (code: string) => {
    const names = mapped.filter((m) => m.code === code).map((m) => m.product)
    return names.length === 0 ? '' : ` (products ${names.join(', ')} post to it)`
  }
  const details: ErrorDetail[] = [
    ...unmapped.map((a) => ({
      field: `account_map.${a.code}`,
      code: 'erp_account_unmapped',
      message: `account ${a.code} ${a.name} has no ERP account${postingTo(a.code)}`,
    })),
    ...itemless.map((a) => ({
      field: `account_map.${ITEM_PREFIX}${a.code}`,
      code: 'erp_item_unmapped',
      message: `account ${a.code} ${a.name} has no ERP item for its invoice lines${postingTo(a.code)}`,
    })),
  ]
  throw new UnprocessableError('erp_mapping_incomplete', `the account map leaves ${details.map((d) => d.message).join('; ')}`, details, {
    hint: needsItems
      ? `map every account of GET /v1/accounting/accounts except accounts receivable to an ERP account code in account_map, and each account invoice lines post to (revenue, discounts, deferred revenue, customer credits, rounding) to an ERP item as ${ITEM_PREFIX}<code>`
      : 'map every account of GET /v1/accounting/accounts except accounts receivable to an ERP account code in account_map',
  })
}
