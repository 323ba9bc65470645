// A connection's account map must cover every account a document can name, or documents would
// be queued that the ERP cannot take. Checked when the map is stored (create, update), against
// the organisation's chart (seeded first, as at the first posting): every account but accounts
// receivable, which leaves only through invoices and payments (Xero, QuickBooks and NetSuite
// post AR themselves; Xero forbids journaling it). An unmapped account is named with the
// products whose revenue posts to it.
import { and, asc, eq, isNull } from 'drizzle-orm'
import { UnprocessableError, type ErrorDetail } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { postingChartIn } from '../accounting/accounts.ts'
import { accounts, productRevenueAccounts } from '../schema/accounting.ts'
import { products } from '../schema/products.ts'

/** 422 `erp_mapping_incomplete`, one detail per unmapped account (field `account_map.<code>`). */
export async function assertMappingCompleteIn(tx: Database, orgId: string, accountMap: Record<string, string>): Promise<void> {
  await postingChartIn(tx, orgId)
  const chart = await tx
    .select({ code: accounts.code, name: accounts.name, role: accounts.role })
    .from(accounts)
    .where(and(eq(accounts.orgId, orgId), isNull(accounts.archivedAt)))
    .orderBy(asc(accounts.code))
  const unmapped = chart.filter((a) => a.role !== 'accounts_receivable' && !(a.code in accountMap))
  if (unmapped.length === 0) return
  const mapped = await tx
    .select({ code: productRevenueAccounts.accountCode, product: products.name })
    .from(productRevenueAccounts)
    .innerJoin(products, eq(products.id, productRevenueAccounts.productId))
    .where(eq(productRevenueAccounts.orgId, orgId))
    .orderBy(asc(products.name))
  const details: ErrorDetail[] = unmapped.map((a) => {
    const names = mapped.filter((m) => m.code === a.code).map((m) => m.product)
    const products = names.length === 0 ? '' : ` (products ${names.join(', ')} post to it)`
    return { field: `account_map.${a.code}`, code: 'erp_account_unmapped', message: `account ${a.code} ${a.name} has no ERP account${products}` }
  })
  throw new UnprocessableError('erp_mapping_incomplete', `the account map leaves ${details.map((d) => d.message).join('; ')}`, details, {
    hint: 'map every account of GET /v1/accounting/accounts except accounts receivable to an ERP account code in account_map',
  })
}
