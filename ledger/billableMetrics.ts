// Billable metrics and their versions. The ledger stores them; sql/ decides what a valid
// template is before anything reaches here. Versions are append-only: `addVersion` inserts
// version n+1 and never touches n, so whatever an invoice was rated with stays readable.
import { insertError } from './insertError.ts'
import { and, asc, desc, eq, isNull, max } from 'drizzle-orm'
import { ConflictError, NotFoundError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { isUniqueViolation } from '../platform/postgres/pgErrors.ts'
import { assertOrgId, toIso } from './ids.ts'
import { billableMetrics, billableMetricVersions, type StoredMetricParameter } from './schema/billableMetrics.ts'
import { products } from './schema/products.ts'

export type { StoredMetricParameter } from './schema/billableMetrics.ts'

export type MetricMode = 'builder' | 'sql' | 'remote'

/** The fields of one version, as sql/ resolved them. */
export interface BillableMetricVersionFields {
  unit: string
  description: string | null
  mode: MetricMode
  builder: Record<string, unknown> | null
  rawMetrics: string[]
  aggregateQuery: string | null
  customerQuery: string
  dimensions: string[]
  parameters: StoredMetricParameter[]
  /** Remote mode: the source connection the queries run at; the grouped query for all customers. */
  sourceId?: string | null
  groupedQuery?: string | null
}

export interface BillableMetricVersion extends BillableMetricVersionFields {
  metricId: string
  orgId: string
  name: string
  version: number
  createdAt: string
}

export interface BillableMetricSummary {
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

export interface BillableMetricRepository {
  /** Creates the metric with version 1 (`now`, the caller's clock, is both rows' `created_at`). Throws ConflictError `billable_metric_exists`. */
  create(input: { orgId: string; name: string; fields: BillableMetricVersionFields; now: Date }): Promise<BillableMetricVersion>
  /** Inserts the next version, created `now` (the caller's clock). Throws NotFoundError `billable_metric_not_found`, ConflictError `billable_metric_version_conflict` when raced. */
  addVersion(input: { orgId: string; name: string; fields: BillableMetricVersionFields; now: Date }): Promise<BillableMetricVersion>
  /** The given version, or the latest. Throws NotFoundError `billable_metric_not_found` / `billable_metric_version_not_found`. */
  get(orgId: string, name: string, version?: number): Promise<BillableMetricVersion>
  /** Archived metrics only when asked for. */
  list(orgId: string, opts?: { includeArchived?: boolean }): Promise<BillableMetricSummary[]>
  /** Every version, oldest first. */
  listVersions(orgId: string, name: string): Promise<BillableMetricVersion[]>
  /** Hides the metric from lists and new plans and contracts as of `at`; idempotent (the first time stands); versions stay readable. Returns when it was archived. */
  archive(orgId: string, name: string, at: Date): Promise<{ archivedAt: string }>
  /** Deletes the metric and its versions. Throws ConflictError `billable_metric_in_use` while a product is bound to it. */
  delete(orgId: string, name: string): Promise<void>
}

type MetricRow = typeof billableMetrics.$inferSelect
type VersionRow = typeof billableMetricVersions.$inferSelect

function toVersion(metric: MetricRow, row: VersionRow): BillableMetricVersion {
  return {
    metricId: metric.id,
    orgId: metric.orgId,
    name: metric.name,
    version: row.version,
    unit: row.unit,
    description: row.description,
    mode: row.mode as MetricMode,
    builder: row.builder ?? null,
    rawMetrics: row.rawMetrics,
    aggregateQuery: row.aggregateQuery,
    customerQuery: row.customerQuery,
    dimensions: row.dimensions,
    parameters: row.parameters,
    sourceId: row.sourceId,
    groupedQuery: row.groupedQuery,
    createdAt: toIso(row.createdAt),
  }
}

function versionValues(metricId: string, version: number, f: BillableMetricVersionFields, createdAt: Date) {
  return {
    metricId,
    version,
    createdAt,
    unit: f.unit,
    description: f.description,
    mode: f.mode,
    builder: f.builder,
    rawMetrics: f.rawMetrics,
    aggregateQuery: f.aggregateQuery,
    customerQuery: f.customerQuery,
    dimensions: f.dimensions,
    parameters: f.parameters,
    sourceId: f.sourceId ?? null,
    groupedQuery: f.groupedQuery ?? null,
  }
}

function notFound(name: string): NotFoundError {
  return new NotFoundError('billable_metric_not_found', `billable metric ${name} does not exist`)
}

export function createBillableMetricRepository(db: Database): BillableMetricRepository {
  async function metricRow(orgId: string, name: string): Promise<MetricRow> {
    assertOrgId(orgId)
    const [row] = await db
      .select()
      .from(billableMetrics)
      .where(and(eq(billableMetrics.orgId, orgId), eq(billableMetrics.name, name)))
    if (!row) throw notFound(name)
    return row
  }

  return {
    async create({ orgId, name, fields, now }) {
      assertOrgId(orgId)
      try {
        return await db.transaction(async (tx) => {
          const [metric] = await tx.insert(billableMetrics).values({ orgId, name, createdAt: now }).returning()
          const [row] = await tx
            .insert(billableMetricVersions)
            .values(versionValues(metric!.id, 1, fields, now))
            .returning()
          return toVersion(metric!, row!)
        })
      } catch (err) {
        throw insertError(err, orgId, () => new ConflictError('billable_metric_exists', `billable metric ${name} already exists; edit it to add a version`))
      }
    },

    async addVersion({ orgId, name, fields, now }) {
      const metric = await metricRow(orgId, name)
      try {
        return await db.transaction(async (tx) => {
          // Serialises concurrent edits of one metric: the second waits, then reads the new max.
          await tx.select({ id: billableMetrics.id }).from(billableMetrics).where(eq(billableMetrics.id, metric.id)).for('update')
          const [{ latest } = { latest: 0 }] = await tx
            .select({ latest: max(billableMetricVersions.version) })
            .from(billableMetricVersions)
            .where(eq(billableMetricVersions.metricId, metric.id))
          const [row] = await tx
            .insert(billableMetricVersions)
            .values(versionValues(metric.id, (latest ?? 0) + 1, fields, now))
            .returning()
          return toVersion(metric, row!)
        })
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('billable_metric_version_conflict', `billable metric ${name} was edited concurrently; retry`)
        throw err
      }
    },

    async get(orgId, name, version) {
      const metric = await metricRow(orgId, name)
      const where =
        version === undefined
          ? eq(billableMetricVersions.metricId, metric.id)
          : and(eq(billableMetricVersions.metricId, metric.id), eq(billableMetricVersions.version, version))
      const [row] = await db.select().from(billableMetricVersions).where(where).orderBy(desc(billableMetricVersions.version)).limit(1)
      if (!row) throw new NotFoundError('billable_metric_version_not_found', `billable metric ${name} has no version ${version}`)
      return toVersion(metric, row)
    },

    async list(orgId, opts = {}) {
      assertOrgId(orgId)
      const rows = await db
        .select({ metric: billableMetrics, version: billableMetricVersions })
        .from(billableMetrics)
        .innerJoin(billableMetricVersions, eq(billableMetricVersions.metricId, billableMetrics.id))
        .where(opts.includeArchived === true ? eq(billableMetrics.orgId, orgId) : and(eq(billableMetrics.orgId, orgId), isNull(billableMetrics.archivedAt)))
        .orderBy(asc(billableMetrics.name), desc(billableMetricVersions.version))
      const out: BillableMetricSummary[] = []
      for (const { metric, version } of rows) {
        // Rows come latest version first per metric: the first one seen is the current one.
        if (out[out.length - 1]?.id === metric.id) continue
        out.push({
          id: metric.id,
          name: metric.name,
          latestVersion: version.version,
          unit: version.unit,
          description: version.description,
          mode: version.mode as MetricMode,
          createdAt: toIso(metric.createdAt),
          updatedAt: toIso(version.createdAt),
          archivedAt: metric.archivedAt === null ? null : toIso(metric.archivedAt),
        })
      }
      return out
    },

    async listVersions(orgId, name) {
      const metric = await metricRow(orgId, name)
      const rows = await db
        .select()
        .from(billableMetricVersions)
        .where(eq(billableMetricVersions.metricId, metric.id))
        .orderBy(asc(billableMetricVersions.version))
      return rows.map((r) => toVersion(metric, r))
    },

    async archive(orgId, name, at) {
      const metric = await metricRow(orgId, name)
      if (metric.archivedAt !== null) return { archivedAt: toIso(metric.archivedAt) }
      const [row] = await db
        .update(billableMetrics)
        .set({ archivedAt: at })
        .where(and(eq(billableMetrics.id, metric.id), isNull(billableMetrics.archivedAt)))
        .returning()
      // A concurrent archive won the race: its time stands.
      return { archivedAt: toIso((row ?? (await metricRow(orgId, name))).archivedAt!) }
    },

    async delete(orgId, name) {
      const metric = await metricRow(orgId, name)
      await db.transaction(async (tx) => {
        // NOTE: products bind a metric by name with no foreign key (ledger/schema/products.ts), so a
        // product created while this runs could still name the deleted metric, just as one can name
        // a metric that never existed; rating then reports billable_metric_not_found for it.
        const bound = await tx
          .select({ name: products.name })
          .from(products)
          .where(and(eq(products.orgId, orgId), eq(products.metricName, name)))
          .orderBy(asc(products.name))
        if (bound.length > 0) {
          throw new ConflictError(
            'billable_metric_in_use',
            `billable metric ${name} is used by product(s) ${bound.map((p) => p.name).join(', ')}; archive it instead`,
            {
              products: bound.map((p) => p.name),
            },
          )
        }
        await tx.delete(billableMetricVersions).where(eq(billableMetricVersions.metricId, metric.id))
        await tx.delete(billableMetrics).where(eq(billableMetrics.id, metric.id))
      })
    },
  }
}
