// The JSON contract of the source endpoints (sourceRoutes.ts): requests validated by these
// schemas, answers documented with them in /openapi.json. The password goes in and never comes
// out: no answer schema has a field for it.
import { z } from 'zod'
import { DATA_FIELD_TYPES, SOURCE_KINDS } from '../../../ledger/sourceStore.ts'

const name = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/)
  .describe('Letters, digits, `_`, `.`, `-`; unique in the organisation')
const column = z.string().min(1).max(128)

const sqlSourceRequest = z.strictObject({
  kind: z.enum(['postgres', 'mysql']).describe('`postgres`, `mysql` (MySQL and MariaDB), `clickhouse` or `files`'),
  name,
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).optional().describe('Default 5432 (postgres), 3306 (mysql)'),
  database: z.string().min(1).max(255),
  user: z.string().min(1).max(255).describe('Best a user granted SELECT only; Tally reads in READ ONLY transactions either way'),
  password: z.string().max(1024).default('').describe('Stored encrypted (AES-256-GCM, TALLY_SECRET_KEY), never returned'),
})

export const FILE_FORMATS = ['csv', 'ndjson', 'parquet'] as const

const filesSourceRequest = z.strictObject({
  kind: z.literal('files'),
  name,
  path: z
    .string()
    .min(1)
    .max(1024)
    .describe(
      'A file, a directory (its CSV, NDJSON or Parquet files) or a glob (`usage/*.parquet`, `**`), relative to TALLY_SOURCE_FILES_ROOT or absolute inside it; `..`, symlinks leading out and URLs are refused. Or the same in an S3-compatible bucket: `s3://bucket/key`, `s3://bucket/prefix/`, `s3://bucket/prefix/*.parquet` (with endpoint and keys). The connection is one table, named after the file (without extensions) or the directory',
    ),
  format: z.enum(FILE_FORMATS).optional().describe("Default: from the files' extensions (.csv/.tsv, .ndjson/.jsonl/.json, .parquet, each optionally .gz/.zst)"),
  endpoint: z
    .string()
    .max(1024)
    .regex(/^https?:\/\/[^/?#@\s]+\/?$/, 'http(s)://host:port, without credentials, path or query')
    .optional()
    .describe('For an `s3://bucket/key` path: the S3-compatible endpoint (`https://s3.eu-west-1.amazonaws.com`, `http://minio:9000`), path-style'),
  region: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional()
    .describe('s3: the signing region (default us-east-1)'),
  access_key_id: z.string().min(1).max(256).optional().describe('s3: the access key id (shown)'),
  secret_access_key: z.string().min(1).max(1024).optional().describe('s3: stored encrypted (AES-256-GCM, TALLY_SECRET_KEY), never returned'),
})

const clickhouseSourceRequest = z.strictObject({
  kind: z.literal('clickhouse'),
  name,
  url: z
    .string()
    .max(1024)
    .regex(/^https?:\/\/[^/?#@\s]+\/?$/, 'http(s)://host:port, without credentials, path or query')
    .describe("ClickHouse's HTTP interface: `https://host:8443` or `http://host:8123` (user and password go in their own fields)"),
  database: z.string().min(1).max(255).describe('Discover lists its tables; queries name tables in it unqualified'),
  user: z.string().min(1).max(255).default('default').describe('Best a user granted SELECT only; every query carries `readonly=1` either way'),
  password: z.string().max(1024).default('').describe('Stored encrypted (AES-256-GCM, TALLY_SECRET_KEY), never returned'),
})

export const createSourceRequest = z.discriminatedUnion('kind', [sqlSourceRequest, filesSourceRequest, clickhouseSourceRequest])

export const sourceParams = z.object({ id: z.string().describe('The source connection id') })
export const syncParams = z.object({ id: z.string().describe('The source connection id'), sync: z.string().describe('The sync job id') })

export const sourceJson = z.object({
  id: z.string(),
  kind: z.enum(SOURCE_KINDS),
  name: z.string(),
  host: z.string().optional().describe('postgres, mysql'),
  port: z.number().int().optional().describe('postgres, mysql'),
  url: z.string().optional().describe("clickhouse: the HTTP interface's URL"),
  database: z.string().optional().describe('postgres, mysql, clickhouse'),
  user: z.string().optional().describe('postgres, mysql, clickhouse'),
  path: z.string().optional().describe('files: the path as given, inside TALLY_SOURCE_FILES_ROOT'),
  format: z.enum(FILE_FORMATS).optional().describe('files: the format given (absent: from the extensions)'),
  endpoint: z.string().optional().describe('files on S3: the endpoint'),
  region: z.string().optional().describe('files on S3: the signing region'),
  access_key_id: z.string().optional().describe('files on S3: the access key id (the secret key is never returned)'),
  created_at: z.string(),
})
export const sourceListJson = z.object({ data: z.array(sourceJson) })

export const testJson = z.object({
  ok: z.literal(true),
  server_version: z.string().describe("The server's version; files: the DuckDB version and how many files of which format the path holds"),
  read_only_transaction: z
    .literal(true)
    .describe('Reads ran in a READ ONLY transaction (clickhouse: with readonly=1; files: DuckDB in memory, the files opened for reading only)'),
  readable_tables: z.number().int().describe('Tables and views the user can read; files: 1 (a files connection is one table)'),
})
export const createdSourceJson = sourceJson.extend({ test: testJson })

export const discoverJson = z.object({
  tables: z.array(
    z.object({
      schema: z.string(),
      name: z.string(),
      columns: z.array(
        z.object({ name: z.string(), type: z.string(), cursor: z.enum(['time', 'number']).nullable().describe('How it can serve as a cursor, if at all') }),
      ),
    }),
  ),
})

export const createSyncRequest = z
  .strictObject({
    name,
    raw_metric: z.string().min(1).max(100).describe('The raw metric the rows become events of'),
    table: z.string().min(1).max(255).optional().describe('`table` or `schema.table`; or give `query`. files: the one table discover lists'),
    query: z
      .string()
      .min(1)
      .max(20_000)
      .optional()
      .describe('A SELECT run at the source in a READ ONLY transaction; or give `table` (files sources take `table` only)'),
    mapping: z.strictObject({
      customer_id: column,
      timestamp: column.describe('A date, timestamp or text column; a time without an offset is UTC'),
      event_id: column.optional().describe('A column holding a unique id per row'),
      key_columns: z.array(column).min(1).max(16).optional().describe('Columns that identify a row; the event id is a hash of their values'),
      data: z.record(z.string().min(1).max(128), z.strictObject({ column, type: z.enum(DATA_FIELD_TYPES) })).default({}),
    }),
    cursor: z
      .strictObject({
        column: column.describe('A date, timestamp or number column that grows when a row is added or changed'),
        lateness: z
          .string()
          .regex(/^\d+(\.\d+)?$/)
          .default('0')
          .describe('Re-read this far behind the checkpoint each run (seconds for a time cursor, units for a number)'),
      })
      .optional()
      .describe('Without one, each run reads everything'),
    schedule: z.string().min(1).max(100).optional().describe('A cron expression (UTC) the scheduler runs the job on'),
  })
  .refine((b) => (b.table === undefined) !== (b.query === undefined), { message: 'give exactly one of table and query', path: ['table'] })

export const syncJson = z.object({
  id: z.string(),
  source_id: z.string(),
  name: z.string(),
  raw_metric: z.string(),
  table: z.string().nullable(),
  query: z.string().nullable(),
  schedule: z.string().nullable(),
  checkpoint: z.string().nullable().describe('The cursor value of the last row the event store acknowledged'),
  created_at: z.string(),
})
export const syncListJson = z.object({ data: z.array(syncJson) })

export const runSyncRequest = z.strictObject({
  full: z.boolean().default(false).describe('Forget the checkpoint and read everything (event ids keep it from counting twice)'),
})

export const runJson = z.object({
  id: z.string(),
  sync_id: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
  full: z.boolean(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  checkpoint_from: z.string().nullable(),
  checkpoint_to: z.string().nullable(),
  rows_read: z.number().int(),
  rows_accepted: z.number().int(),
  rows_duplicate: z.number().int().describe('Rows whose event was stored before (re-read within the lateness window, or after a restart)'),
  rows_rejected: z.number().int(),
  rows_per_second: z.string().nullable().describe('Rows read per second of the run so far'),
  lag_ms: z.number().int().nullable().describe('How far the checkpoint was behind the clock when the run ended (time cursors)'),
  rejects: z
    .array(z.object({ key: z.string(), code: z.string(), field: z.string().optional(), message: z.string() }))
    .describe('The first 1,000 rows refused, by their key'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
})
export const runListJson = z.object({ data: z.array(runJson) })
