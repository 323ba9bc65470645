import { bigint, boolean, check, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { SOURCE_KINDS, type SourceKind, type SourceSyncSpec, type SyncReject, type SyncRunStatus, SYNC_RUN_STATUSES } from '../sources/sourceTypes.ts'
import { oneOf } from './oneOf.ts'
import { organisations } from './organisations.ts'

// An organisation's link to one database it syncs usage from (connectors/sources). `settings`
// holds what is not secret (host, port, database, user); `credentials` the AES-256-GCM box of
// the password (platform/secretBox.ts), never plaintext, never returned.
export const sourceConnections = pgTable(
  'source_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind').$type<SourceKind>().notNull(),
    name: text('name').notNull(),
    settings: jsonb('settings').$type<Record<string, string>>().notNull(),
    credentials: text('credentials').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('source_connections_org_name').on(t.orgId, t.name), check('source_connections_kind', oneOf(t.kind, SOURCE_KINDS))],
)

// A sync job: rows of a table or query at a source → events of one raw metric. `checkpoint` is
// the cursor value (the source's text of it) of the last row the event sink acknowledged;
// `rows_below_window` counts the source's rows under the next run's window when it was
// advanced, so a run that finds more there knows the cursor is not monotonic.
export const sourceSyncs = pgTable(
  'source_syncs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => sourceConnections.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    rawMetric: text('raw_metric').notNull(),
    spec: jsonb('spec').$type<SourceSyncSpec>().notNull(),
    schedule: text('schedule'),
    checkpoint: text('checkpoint'),
    rowsBelowWindow: text('rows_below_window'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('source_syncs_org_name').on(t.orgId, t.name), index('source_syncs_connection').on(t.connectionId)],
)

// One run of a sync job, with its progress (written after each acknowledged batch) and the
// rows the event validation refused, keyed by the source row's key.
export const sourceSyncRuns = pgTable(
  'source_sync_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    syncId: uuid('sync_id')
      .notNull()
      .references(() => sourceSyncs.id, { onDelete: 'cascade' }),
    status: text('status').$type<SyncRunStatus>().notNull().default('running'),
    full: boolean('full').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
    checkpointFrom: text('checkpoint_from'),
    checkpointTo: text('checkpoint_to'),
    rowsRead: bigint('rows_read', { mode: 'number' }).notNull().default(0),
    rowsAccepted: bigint('rows_accepted', { mode: 'number' }).notNull().default(0),
    rowsDuplicate: bigint('rows_duplicate', { mode: 'number' }).notNull().default(0),
    rowsRejected: bigint('rows_rejected', { mode: 'number' }).notNull().default(0),
    rejects: jsonb('rejects').$type<SyncReject[]>().notNull().default([]),
    lagMs: bigint('lag_ms', { mode: 'number' }),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
  },
  (t) => [index('source_sync_runs_sync').on(t.syncId, t.startedAt), check('source_sync_runs_status', oneOf(t.status, SYNC_RUN_STATUSES))],
)
