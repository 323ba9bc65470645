// Stage 8's metric run alone, in each of its forms over the same customers and period, in the
// same process and run (sql/metricQuantities.ts): the per-customer form (a copy of the template
// per customer, 100 per statement: the form before issue 20), the grouped form (one statement
// per 5,000 customers) and the rollups (builder metrics, usage_hour / usage_minute). All three
// must return the same quantities, or the stage fails. The per-customer form is skipped above
// PER_CUSTOMER_MAX customers (its time grows with customers × events: 8–12 min at 100k, issue
// 20); then only the grouped form and the rollups are timed and compared.
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import type { ResolvedMetricVersion } from '../../sql/metricDefinition.ts'
import { metricQuantities, type MetricQuantities } from '../../sql/metricQuantities.ts'
import type { Period } from '../../sql/parameters.ts'

/** Largest run the per-customer form is timed on. */
export const PER_CUSTOMER_MAX = 10_000

export interface MetricFormTimes {
  /** null when skipped (more than PER_CUSTOMER_MAX customers); not NaN, which the child's IPC (JSON) turns into null anyway. */
  perCustomerSec: number | null
  groupedSec: number
  rollupsSec: number
  customers: number
}

export async function timeMetricForms(opts: {
  handle: ClickHouseHandle
  orgId: string
  version: ResolvedMetricVersion
  customerIds: readonly string[]
  period: Period
}): Promise<MetricFormTimes> {
  const timed = async (extra: { form?: 'per_customer'; source?: 'events' }, form: MetricQuantities['stats']['form']) => {
    const t = performance.now()
    const result = await metricQuantities({ ...opts, ...extra })
    if (result.stats.form !== form)
      throw new Error(`expected the ${form} form, ran ${result.stats.form} (${result.stats.notGrouped ?? result.stats.notFromRollups ?? ''})`)
    return { sec: (performance.now() - t) / 1000, quantities: result.customers.map((c) => `${c.customerId}=${c.quantity}`).join(',') }
  }
  const perCustomer = opts.customerIds.length <= PER_CUSTOMER_MAX ? await timed({ form: 'per_customer', source: 'events' }, 'per_customer') : undefined
  const grouped = await timed({ source: 'events' }, 'grouped')
  const rollups = await timed({}, 'rollups')
  if (rollups.quantities !== grouped.quantities || (perCustomer !== undefined && perCustomer.quantities !== grouped.quantities)) {
    throw new Error('the metric forms disagree on the quantities')
  }
  return { perCustomerSec: perCustomer?.sec ?? null, groupedSec: grouped.sec, rollupsSec: rollups.sec, customers: opts.customerIds.length }
}
