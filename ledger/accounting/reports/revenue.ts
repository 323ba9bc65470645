// Revenue by product, customer or month: what revenue accounts (type `revenue`) were credited
// minus what they were debited, by entries posted in [from, to] (inclusive dates), per currency.
// Contra-revenue (discounts) is not in it; the trial balance shows it. Summed in Postgres as
// numeric, returned as text (DESIGN invariant 3) in the currency's minor units
// (compute/minorUnitAmounts.ts).
import { sql, type SQL } from 'drizzle-orm'
import { ValidationError } from '../../../platform/errors.ts'
import type { Database } from '../../../platform/postgres/database.ts'
import { queryRows } from '../../../platform/postgres/queryRows.ts'
import { assertDate } from '../../contracts.ts'
import { createCurrencyRepository } from '../../currencies.ts'
import { assertOrgId } from '../../ids.ts'
import { inMinorUnits } from '../compute/minorUnitAmounts.ts'

export const REVENUE_GROUPS = ['product', 'customer', 'month'] as const
export type RevenueGroup = (typeof REVENUE_GROUPS)[number]

export interface RevenueQuery {
  /** Inclusive bounds on the entries' accounting date (`posted_on`), `YYYY-MM-DD`. */
  from: string
  to: string
  groupBy: RevenueGroup
}

export interface RevenueRow extends Record<string, unknown> {
  /** The product id, the customer's external id, or the month (`YYYY-MM`); null for lines naming no product or customer. */
  group: string | null
  /** The product's or customer's name; null for months. */
  name: string | null
  currency: string
  /** Credits minus debits: positive is revenue earned. */
  revenue: string
}

/** The group key and its display name, per grouping. */
const GROUPS: Record<RevenueGroup, { key: SQL; name: SQL; join: SQL }> = {
  product: { key: sql`l.product_id::text`, name: sql`p.name`, join: sql`left join products p on p.id = l.product_id` },
  customer: { key: sql`c.external_id`, name: sql`c.name`, join: sql`left join customers c on c.id = l.customer_id` },
  month: { key: sql`to_char(e.posted_on, 'YYYY-MM')`, name: sql`null::text`, join: sql`` },
}

export async function revenueReport(db: Database, orgId: string, query: RevenueQuery): Promise<RevenueRow[]> {
  assertOrgId(orgId)
  const from = assertDate(query.from, 'from')
  const to = assertDate(query.to, 'to')
  if (to < from) {
    throw new ValidationError('invalid_request', `to (${to}) is before from (${from})`, [{ field: 'to', code: 'to_before_from', message: 'on or after from' }])
  }
  const group = GROUPS[query.groupBy]
  const currencies = await createCurrencyRepository(db).table(orgId)
  const rows = await queryRows<RevenueRow>(
    db,
    sql`select ${group.key} as "group", ${group.name} as name, l.currency, sum(l.credit - l.debit)::text as revenue
      from journal_lines l
      join journal_entries e on e.id = l.entry_id
      join accounts a on a.org_id = l.org_id and a.code = l.account_code
      ${group.join}
      where l.org_id = ${orgId} and a.type = 'revenue' and e.posted_on between ${from} and ${to}
      group by 1, 2, l.currency
      order by 1 nulls last, l.currency`,
  )
  return rows.map((r) => inMinorUnits(r, ['revenue'], currencies))
}
