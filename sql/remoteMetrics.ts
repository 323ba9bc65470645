// The port through which a remote-mode metric runs at a customer's database (Postgres, MySQL /
// MariaDB) instead of on ClickHouse. sql/ may not import connectors/ (DESIGN folder rules), so
// it states what it needs here; connectors/sources/remote/remoteMetricRunner.ts implements it
// and the composition root passes it in.
import type { ResolvedMetricVersion } from './metricDefinition.ts'
import type { MetricQuantities } from './metricQuantities.ts'
import type { Period } from './parameters.ts'
import type { TemplateIssue } from './templateScan.ts'

/** What ran at the source, for the invoice line's explain trail. */
export interface RemoteRunTrail {
  sourceId: string
  form: 'grouped' | 'per_customer'
  queries: number
  rowCount: number
  parameters: { period_start: string; period_end: string }
  executedAt: string
}

export interface RemoteMetricRunner {
  /** The source exists and is reachable, the queries' parameters are known and they run (no customers) in a READ ONLY transaction. */
  validate(orgId: string, version: ResolvedMetricVersion): Promise<{ issues: TemplateIssue[]; columns: Array<{ name: string; type: string }> }>
  /** Quantities of every customer (0 for none), or a thrown error: never a zero for a source that failed. */
  quantities(
    orgId: string,
    version: ResolvedMetricVersion,
    customerIds: readonly string[],
    period: Period,
  ): Promise<MetricQuantities & { remote: RemoteRunTrail }>
}
