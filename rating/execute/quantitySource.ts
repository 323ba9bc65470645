// The rating job's one question to metering: a metric version's quantities for many
// customers over one period, answered by ONE run for all of them (sql/'s metric runner in
// production). Quantities are decimal strings; a customer without usage may be absent.
export interface QuantityRequest {
  orgId: string
  metricName: string
  metricVersion: number
  customerIds: readonly string[]
  /** Half-open [start, end) instants: where the period's first and end days begin in the contract's zone. */
  start: Date
  end: Date
}

/** A remote-query metric's run at its source (connectors/sources/remote/), recorded on the item for explain. */
export interface SourceRun {
  source_id: string
  form: 'grouped' | 'per_customer'
  queries: number
  row_count: number
  parameters: Record<string, string>
  executed_at: string
}

export interface CustomerUsage {
  /** Sum over the customer's rows. */
  quantity: string
  /** Per dimension combination, for matrix and two-dimensional prices. */
  rows: { dimensions: Record<string, string>; quantity: string }[]
  /** Remote-query metrics only: what ran at the source. */
  source?: SourceRun
}

export interface QuantitySource {
  quantities(req: QuantityRequest): Promise<Map<string, CustomerUsage>>
}

/** The key under which one metric run's results are shared by every contract that needs them. */
export function runKey(r: Pick<QuantityRequest, 'orgId' | 'metricName' | 'metricVersion' | 'start' | 'end'>): string {
  return `${r.orgId}|${r.metricName}|${r.metricVersion}|${r.start.toISOString()}|${r.end.toISOString()}`
}

export const NO_USAGE: CustomerUsage = { quantity: '0', rows: [] }
