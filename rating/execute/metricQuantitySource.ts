// The QuantitySource the rating job uses in production: sql/'s metric service, which runs a
// stored billable-metric version for many customers and one period (one aggregate run for
// all of them, then the customer query in chunks). Dimension columns become `dimensions`.
import type { MetricService } from '../../sql/metricService.ts'
import type { RemoteRunTrail } from '../../sql/remoteMetrics.ts'
import type { CustomerUsage, QuantitySource, SourceRun } from './quantitySource.ts'

function sourceRun(t: RemoteRunTrail, customerId: string): SourceRun {
  const parameters = t.form === 'grouped' ? t.parameters : { customer_id: customerId, ...t.parameters }
  return { source_id: t.sourceId, form: t.form, queries: t.queries, row_count: t.rowCount, parameters, executed_at: t.executedAt }
}

export function metricQuantitySource(service: Pick<MetricService, 'quantities'>): QuantitySource {
  return {
    async quantities(req) {
      const result = await service.quantities({
        orgId: req.orgId,
        name: req.metricName,
        version: req.metricVersion,
        customerIds: req.customerIds,
        period: { start: req.start, end: req.end },
      })
      const remote = (result as typeof result & { remote?: RemoteRunTrail }).remote
      const dimensionColumns = result.columns.map((c) => c.name).filter((n) => n !== 'quantity')
      const out = new Map<string, CustomerUsage>()
      for (const c of result.customers) {
        out.set(c.customerId, {
          quantity: c.quantity,
          rows: c.rows.map((row) => ({
            dimensions: Object.fromEntries(dimensionColumns.map((d) => [d, String(row[d] ?? '')])),
            quantity: String(row.quantity ?? '0'),
          })),
          ...(remote === undefined ? {} : { source: sourceRun(remote, c.customerId) }),
        })
      }
      return out
    },
  }
}
