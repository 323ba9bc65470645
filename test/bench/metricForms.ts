// Stage 8's metric run alone, in each of its forms over the same customers and period, in the
// same process and run (sql/metricQuantities.ts): the per-customer form (a copy of the template
// per customer, 100 per statement: the form before issue 20), the grouped form (one statement
// per 5,000 customers) and the rollups (builder metrics, usage_hour / usage_minute). All three
// must return the same quantities, or the stage fails.
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import type { ResolvedMetricVersion } from '../../sql/metricDefinition.ts'
import { metricQuantities, type MetricQuantities } from '../../sql/metricQuantities.ts'
import type { Period } from '../../sql/parameters.ts'

export interface MetricFormTimes {
  perCustomerSec: number
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
  const perCustomer = await timed({ form: 'per_customer', source: 'events' }, 'per_customer')
  const grouped = await timed({ source: 'events' }, 'grouped')
  const rollups = await timed({}, 'rollups')
  if (grouped.quantities !== perCustomer.quantities || rollups.quantities !== perCustomer.quantities) {
    throw new Error('the metric forms disagree on the quantities')
  }
  return { perCustomerSec: perCustomer.sec, groupedSec: grouped.sec, rollupsSec: rollups.sec, customers: opts.customerIds.length }
}
