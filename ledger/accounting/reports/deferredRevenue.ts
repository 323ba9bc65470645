// The deferred revenue waterfall: one row per revenue schedule, one column per month, each cell
// what the schedule recognises (or has recognised) in that month, and a total row per
// currency. Amounts are summed in Postgres as numeric and leave as text (DESIGN invariant 3) in
// the currency's minor units (compute/minorUnitAmounts.ts): one query gives the rows and the totals (grouping sets), one the cells and the totals' cells.
// Schedules of void invoices are left out: the void entry reversed what they had recognised, and
// nothing of them is left to recognise.
import { sql } from 'drizzle-orm'
import type { Database } from '../../../platform/postgres/database.ts'
import { queryRows } from '../../../platform/postgres/queryRows.ts'
import { createCurrencyRepository } from '../../currencies.ts'
import { assertOrgId } from '../../ids.ts'
import { amountInMinorUnits, inMinorUnits } from '../compute/minorUnitAmounts.ts'
import type { RecognitionMethod } from '../compute/revenueSchedule.ts'
import { assertPeriod } from '../periods.ts'

export interface WaterfallFilters {
  /** First and last month shown (`YYYY-MM`), inclusive; a schedule with no line in them is left out. */
  from?: string
  to?: string
}

export interface WaterfallAmounts {
  currency: string
  /** What is recognised in all, in every month (shown or not). */
  amount: string
  /** Of `amount`, what recognition entries have posted; `deferred` is the rest. */
  recognised: string
  deferred: string
  /** Month (`YYYY-MM`) → amount, for the months shown; months without a line are absent. */
  cells: Record<string, string>
}

export interface WaterfallRow extends WaterfallAmounts {
  scheduleId: string
  invoiceId: string
  productId: string | null
  productName: string | null
  method: RecognitionMethod
}

export interface DeferredRevenueWaterfall {
  /** The months with a cell, in order: the columns. */
  months: string[]
  /** In the order the schedules were stored. */
  rows: WaterfallRow[]
  /** The total row, one per currency, in currency order. */
  totals: WaterfallAmounts[]
}

interface AmountRow extends Record<string, unknown> {
  is_total: boolean
  schedule_id: string | null
  invoice_id: string | null
  product_id: string | null
  product_name: string | null
  method: RecognitionMethod | null
  currency: string
  amount: string
  recognised: string
  deferred: string
}

interface CellRow extends Record<string, unknown> {
  is_total: boolean
  schedule_id: string | null
  currency: string
  period: string
  amount: string
}

export async function deferredRevenueWaterfall(db: Database, orgId: string, filters: WaterfallFilters = {}): Promise<DeferredRevenueWaterfall> {
  assertOrgId(orgId)
  const from = filters.from === undefined ? '0000-01' : assertPeriod(filters.from)
  const to = filters.to === undefined ? '9999-12' : assertPeriod(filters.to)
  const shown = sql`
    shown as (
      select s.* from revenue_schedules s join invoices i on i.id = s.invoice_id
      where s.org_id = ${orgId} and i.status <> 'void'
        and exists (select 1 from revenue_schedule_lines l where l.schedule_id = s.id and l.period between ${from} and ${to})
    )`
  const amounts = await queryRows<AmountRow>(
    db,
    sql`with ${shown}
      select grouping(s.id) = 1 as is_total, s.id as schedule_id, s.invoice_id, s.product_id, p.name as product_name, s.method, s.currency,
        sum(l.amount)::text as amount,
        sum(case when l.journal_entry_id is null then 0 else l.amount end)::text as recognised,
        sum(case when l.journal_entry_id is null then l.amount else 0 end)::text as deferred
      from shown s join revenue_schedule_lines l on l.schedule_id = s.id left join products p on p.id = s.product_id
      group by grouping sets ((s.id, s.invoice_id, s.product_id, p.name, s.method, s.currency, s.created_at), (s.currency))
      order by is_total, s.created_at, s.id, s.currency`,
  )
  const cells = await queryRows<CellRow>(
    db,
    sql`with ${shown}
      select grouping(s.id) = 1 as is_total, s.id as schedule_id, s.currency, l.period, sum(l.amount)::text as amount
      from shown s join revenue_schedule_lines l on l.schedule_id = s.id
      where l.period between ${from} and ${to}
      group by grouping sets ((s.id, s.currency, l.period), (s.currency, l.period))
      order by l.period`,
  )
  const currencies = await createCurrencyRepository(db).table(orgId)
  const cellsOf = (pick: (c: CellRow) => boolean) =>
    Object.fromEntries(cells.filter(pick).map((c) => [c.period, amountInMinorUnits(c.amount, currencies.minorUnits(c.currency))]))
  const common = (r: AmountRow) =>
    inMinorUnits({ currency: r.currency, amount: r.amount, recognised: r.recognised, deferred: r.deferred }, ['amount', 'recognised', 'deferred'], currencies)
  return {
    months: [...new Set(cells.map((c) => c.period))],
    rows: amounts
      .filter((r) => !r.is_total)
      .map((r) => ({
        scheduleId: r.schedule_id!,
        invoiceId: r.invoice_id!,
        productId: r.product_id,
        productName: r.product_name,
        method: r.method!,
        ...common(r),
        cells: cellsOf((c) => !c.is_total && c.schedule_id === r.schedule_id),
      })),
    totals: amounts.filter((r) => r.is_total).map((r) => ({ ...common(r), cells: cellsOf((c) => c.is_total && c.currency === r.currency) })),
  }
}
