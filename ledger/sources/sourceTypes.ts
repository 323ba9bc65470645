// The shapes the ledger stores for data-source connectors (connectors/sources): connection
// kinds, a sync job's spec, a run's status and its per-row rejects.

/** `files`: CSV, NDJSON and Parquet under TALLY_SOURCE_FILES_ROOT (connectors/sources/files); `clickhouse`: over its HTTP interface. */
export const SOURCE_KINDS = ['postgres', 'mysql', 'files', 'clickhouse'] as const
export type SourceKind = (typeof SOURCE_KINDS)[number]

export const SYNC_RUN_STATUSES = ['running', 'succeeded', 'failed', 'interrupted'] as const
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number]

export const DATA_FIELD_TYPES = ['number', 'string', 'boolean'] as const
export type DataFieldType = (typeof DATA_FIELD_TYPES)[number]

/** Source columns → the event envelope. Without `eventId`, the id is derived from `keyColumns`. */
export interface SyncMapping {
  customerId: string
  timestamp: string
  eventId?: string
  keyColumns?: string[]
  data: Record<string, { column: string; type: DataFieldType }>
}

export interface SyncCursor {
  column: string
  /** `time`: a date or timestamp column, lateness in seconds; `number`: an integer or decimal column, lateness in its units. */
  type: 'time' | 'number'
  /** Decimal text, ≥ 0. */
  lateness: string
}

export interface SourceSyncSpec {
  /** Exactly one: a table (optionally `schema.table`) or a SELECT. */
  table?: string
  query?: string
  mapping: SyncMapping
  /** Without one, every run reads everything (event ids keep it from counting twice). */
  cursor?: SyncCursor
}

/** A source row the event validation refused, named by the row's key. */
export interface SyncReject {
  key: string
  code: string
  field?: string
  message: string
}
