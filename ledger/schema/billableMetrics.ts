import { sql } from 'drizzle-orm'
import { check, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { IDENTIFIER } from '../../platform/identifier.ts'
import { organisations } from './organisations.ts'

/** A declared template parameter: ClickHouse type and default as text (sql/parameters.ts). */
export interface StoredMetricParameter {
  name: string
  type: string
  default: string
  description?: string
}

// A billable metric is a name within an organisation; what it computes lives in its versions.
// Editing never updates a version: it inserts the next one, so an invoice line that records
// (metric, version) can always be recomputed from the exact SQL it was rated with.
export const billableMetrics = pgTable(
  'billable_metrics',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /**
     * Set once the metric is archived: hidden from lists and refused for new plans and
     * contracts, its versions still readable for the invoice lines that recorded them.
     */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
  },
  (t) => [
    unique('billable_metrics_org_name_unique').on(t.orgId, t.name),
    check('billable_metrics_name_format', sql`${t.name} ~ ${sql.raw(`'${IDENTIFIER.source}'`)}`),
  ],
)

export const billableMetricVersions = pgTable(
  'billable_metric_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    metricId: uuid('metric_id')
      .notNull()
      .references(() => billableMetrics.id),
    /** 1, 2, 3, … per metric, no gaps. */
    version: integer('version').notNull(),
    unit: text('unit').notNull(),
    description: text('description'),
    mode: text('mode').notNull(),
    /** Builder mode: the choices the SQL was generated from. */
    builder: jsonb('builder').$type<Record<string, unknown>>(),
    rawMetrics: jsonb('raw_metrics').$type<string[]>().notNull(),
    aggregateQuery: text('aggregate_query'),
    customerQuery: text('customer_query').notNull(),
    dimensions: jsonb('dimensions').$type<string[]>().notNull(),
    parameters: jsonb('parameters').$type<StoredMetricParameter[]>().notNull(),
    /** Remote mode: the source connection the queries run at (connectors/sources/remote/). */
    sourceId: uuid('source_id'),
    /** Remote mode: the optional query for all customers at once (`{customer_ids}`, a customer_id column). */
    groupedQuery: text('grouped_query'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('billable_metric_versions_metric_version_unique').on(t.metricId, t.version),
    check('billable_metric_versions_version_positive', sql`${t.version} >= 1`),
    check('billable_metric_versions_mode', sql`${t.mode} in ('builder', 'sql', 'remote')`),
    check('billable_metric_versions_remote_source', sql`(${t.mode} = 'remote') = (${t.sourceId} is not null)`),
  ],
)
