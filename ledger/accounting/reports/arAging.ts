// Accounts receivable aging as of a date: what each customer owes per currency, bucketed by how
// long past its due date each open invoice is. "As of" is honoured throughout: an invoice counts
// once finalized on or before the date and until voided, less the credit notes issued and the
// payments made on or before it (dates in UTC). Summed in Postgres as numeric, returned as text in
// the currency's minor units (compute/minorUnitAmounts.ts).
import { sql } from 'drizzle-orm'
import type { Database } from '../../../platform/postgres/database.ts'
import { queryRows } from '../../../platform/postgres/queryRows.ts'
import { assertDate } from '../../contracts.ts'
import { createCurrencyRepository } from '../../currencies.ts'
import { assertOrgId } from '../../ids.ts'
import { inMinorUnits } from '../compute/minorUnitAmounts.ts'

export interface ArAgingRow extends Record<string, unknown> {
  customerId: string
  /** The customer's external id (the events' `customer_id`). */
  customer: string
  customerName: string
  currency: string
  /** Not yet past the due date (days past due ≤ 0). */
  current: string
  days1To30: string
  days31To60: string
  days61To90: string
  over90: string
  total: string
}

export async function arAging(db: Database, orgId: string, asOf: string): Promise<ArAgingRow[]> {
  assertOrgId(orgId)
  const day = assertDate(asOf, 'as_of')
  const bucket = (low: number, high: number | null) =>
    sql`sum(case when ${day}::date - o.due_date between ${low} and ${high ?? 2147483647} then o.due else 0 end)::text`
  const currencies = await createCurrencyRepository(db).table(orgId)
  const rows = await queryRows<ArAgingRow>(
    db,
    sql`with open as (
        select i.customer_id, i.currency, i.due_date,
          i.total
            - coalesce((select sum(n.total) from credit_notes n where n.invoice_id = i.id and (n.created_at at time zone 'UTC')::date <= ${day}::date), 0)
            - coalesce((select sum(p.amount) from payments p where p.invoice_id = i.id and p.paid_on <= ${day}::date), 0) as due
        from invoices i
        where i.org_id = ${orgId} and i.finalized_at is not null
          and (i.finalized_at at time zone 'UTC')::date <= ${day}::date
          and (i.voided_at is null or (i.voided_at at time zone 'UTC')::date > ${day}::date)
      )
      select c.id as "customerId", c.external_id as customer, c.name as "customerName", o.currency,
        ${bucket(-2147483648, 0)} as current,
        ${bucket(1, 30)} as "days1To30",
        ${bucket(31, 60)} as "days31To60",
        ${bucket(61, 90)} as "days61To90",
        ${bucket(91, null)} as "over90",
        sum(o.due)::text as total
      from open o join customers c on c.id = o.customer_id
      where o.due <> 0
      group by c.id, c.external_id, c.name, o.currency
      order by c.external_id, o.currency`,
  )
  return rows.map((r) => inMinorUnits(r, ['current', 'days1To30', 'days31To60', 'days61To90', 'over90', 'total'], currencies))
}
