import { sql } from 'drizzle-orm'
import { check, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { IDENTIFIER } from '../../platform/identifier.ts'
import { organisations } from './organisations.ts'

export type FieldType = 'number' | 'string' | 'boolean'
/** Optional declared shape of an event's `data`: field name → type. */
export type FieldSchema = Record<string, FieldType>

// A raw metric is the named stream events are posted to (`POST /usage/:rawMetric`). Its name
// becomes a ClickHouse value and a path segment, hence the conservative identifier pattern.
export const rawMetrics = pgTable(
  'raw_metrics',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    description: text('description'),
    fieldSchema: jsonb('field_schema').$type<FieldSchema>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('raw_metrics_org_name_unique').on(t.orgId, t.name), check('raw_metrics_name_format', sql`${t.name} ~ ${sql.raw(`'${IDENTIFIER.source}'`)}`)],
)
