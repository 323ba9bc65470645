// The services a process builds over its ClickHouse handle, once, in its composition root.
// The API's routes and the scheduled jobs receive these instances, so how a metric service is
// wired (its store, its raw-metric check, its limits) is decided in one place per process.
import type { Ledger } from '../ledger/ledger.ts'
import { metricQuantitySource } from '../rating/execute/metricQuantitySource.ts'
import type { QuantitySource } from '../rating/execute/quantitySource.ts'
import { createMetricService, type MetricService } from '../sql/metricService.ts'
import type { RemoteMetricRunner } from '../sql/remoteMetrics.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'

export interface MeteringServices {
  clickhouse: ClickHouseHandle
  /** Billable metrics: validate, preview and run templates (sql/). */
  metricService: MetricService
  /** What rating asks for a contract period's usage: the metric service's quantities. */
  quantities: QuantitySource
}

export function buildMeteringServices(
  clickhouse: ClickHouseHandle,
  ledger: Pick<Ledger, 'billableMetrics' | 'rawMetrics'>,
  remote?: RemoteMetricRunner,
): MeteringServices {
  const metricService = createMetricService({
    remote,
    handle: clickhouse,
    store: ledger.billableMetrics,
    checkRawMetric: async (orgId, name) => void (await ledger.rawMetrics.get(orgId, name)),
  })
  return { clickhouse, metricService, quantities: metricQuantitySource(metricService) }
}
