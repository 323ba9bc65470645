// The port sql/ stores metric versions through. sql/ may not import ledger/ (DESIGN folder
// rules), so it states what it needs; ledger's BillableMetricRepository satisfies it
// structurally and the composition root passes it in.
import type { BuilderSpec } from './builder.ts'
import type { DeclaredParameter } from './parameters.ts'

export type MetricMode = 'builder' | 'sql' | 'remote'

export interface StoredVersionFields {
  unit: string
  description: string | null
  mode: MetricMode
  builder: Record<string, unknown> | null
  rawMetrics: string[]
  aggregateQuery: string | null
  customerQuery: string
  dimensions: string[]
  parameters: DeclaredParameter[]
  /** Remote mode (connectors/sources/remote/): the source connection and the optional grouped query. */
  sourceId?: string | null
  groupedQuery?: string | null
}

export interface StoredVersion extends StoredVersionFields {
  metricId: string
  orgId: string
  name: string
  version: number
  createdAt: string
}

export interface StoredMetricSummary {
  id: string
  name: string
  latestVersion: number
  unit: string
  description: string | null
  mode: MetricMode
  createdAt: string
  updatedAt: string
  archivedAt: string | null
}

export interface MetricStore {
  /** `now`: the caller's clock, the metric's and its first version's `created_at`. */
  create(input: { orgId: string; name: string; fields: StoredVersionFields; now: Date }): Promise<StoredVersion>
  /** `now`: the caller's clock, the version's `created_at`. */
  addVersion(input: { orgId: string; name: string; fields: StoredVersionFields; now: Date }): Promise<StoredVersion>
  get(orgId: string, name: string, version?: number): Promise<StoredVersion>
  /** Archived metrics only when asked for. */
  list(orgId: string, opts?: { includeArchived?: boolean }): Promise<StoredMetricSummary[]>
  listVersions(orgId: string, name: string): Promise<StoredVersion[]>
  /** Hidden from lists and new plans and contracts; versions stay readable for invoice lines. Idempotent. */
  archive(orgId: string, name: string, at: Date): Promise<{ archivedAt: string }>
  /** 409 `billable_metric_in_use` while a product is bound to it. */
  delete(orgId: string, name: string): Promise<void>
}

/** Throws the catalogue's not-found error when the organisation has no such raw metric. */
export type RawMetricCheck = (orgId: string, name: string) => Promise<void>

/** The builder spec stored as JSON, typed again for reading. */
export function storedBuilder(v: StoredVersionFields): BuilderSpec | null {
  return v.builder as BuilderSpec | null
}
