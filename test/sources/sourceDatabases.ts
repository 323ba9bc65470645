// Throwaway source databases on the machine's PostgreSQL (127.0.0.1:5432, trust) and MariaDB
// (127.0.0.1:3306, root without password), one per test file, named `tally_src_*` and dropped
// only under that name. Each kind gives the same table in its own DDL, so one suite runs on both.
// The files kind (filesDatabase) keeps the table in an in-memory DuckDB of the test and writes
// it out as CSV, NDJSON or Parquet after every statement, so the same suite runs on files too.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import mysql from 'mysql2/promise'
import pg from 'pg'

/** A connection body the source refuses, and how. */
export interface RefusedConnection {
  why: string
  body: Record<string, unknown>
  status: number
  code: string
}

/** What the shared contract suite needs of a source: a body to connect it, its refusals, and a `usage_rows` table it can change. */
export interface SyncSource {
  kind: 'postgres' | 'mysql' | 'files' | 'clickhouse'
  name: string
  /** The POST /v1/sources body for this source (without `name`). */
  body: Record<string, unknown>
  /** Bodies POST /v1/sources refuses (unreachable host, refused login, missing database; a missing file…), each with its status and code. */
  refused: RefusedConnection[]
  /** What GET /v1/sources/:id answers for the connection (a subset). */
  shown: Record<string, unknown>
  /** The connection has a password, sealed at rest. */
  sealsPassword: boolean
  /** The secret sealed and never answered, when it is not `body.password` (S3: the secret access key). */
  secret?: string
  /** The environment Tally needs to reach the source (files: TALLY_SOURCE_FILES_ROOT). */
  env: Record<string, string>
  exec(sql: string, values?: unknown[]): Promise<void>
  /** `usage_rows(id, account, at, tokens, updated_at)` in this kind's types: microsecond times, decimal tokens. */
  usageTable: string
  close(): Promise<void>
}

/** A source remote queries run at: its POST /v1/sources body as `connection`. */
export type QueryableSource = SyncSource & { connection: Record<string, unknown> & { kind: string } }

/** A database on one of the machine's servers. */
export interface SourceDatabase extends SyncSource {
  kind: 'postgres' | 'mysql'
  /** The POST /v1/sources body for this database. */
  connection: { kind: 'postgres' | 'mysql'; host: string; port: number; database: string; user: string; password: string }
  /** A body whose login the server refuses. */
  badLogin: Record<string, unknown>
}

/** The three ways a server refuses a connection, for the kinds that have one. */
function serverRefusals(connection: SourceDatabase['connection'], badLogin: Record<string, unknown>): RefusedConnection[] {
  return [
    { why: 'an unreachable host', body: { ...connection, port: 1 }, status: 422, code: 'source_unreachable' },
    { why: 'a refused login', body: badLogin, status: 422, code: 'source_auth_failed' },
    { why: 'a missing database', body: { ...connection, database: 'tally_src_absent' }, status: 422, code: 'source_database_not_found' },
  ]
}

export const throwawayName = () => `tally_src_${randomBytes(5).toString('hex')}`

export function assertThrowaway(name: string): void {
  if (!/^tally_src_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a throwaway test database`)
}

export async function postgresDatabase(): Promise<SourceDatabase> {
  const name = throwawayName()
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: name })
  await client.connect()
  await client.query("SET TIME ZONE 'UTC'")
  const connection = { kind: 'postgres' as const, host: '127.0.0.1', port: 5432, database: name, user: 'postgres', password: 'unused-under-trust' }
  const badLogin = { kind: 'postgres', host: '127.0.0.1', port: 5432, database: name, user: 'no_such_role_tally', password: 'x' }
  return {
    kind: 'postgres',
    name,
    connection,
    body: connection,
    badLogin,
    refused: serverRefusals(connection, badLogin),
    shown: { database: name },
    sealsPassword: true,
    env: {},
    exec: async (sql, values) => void (await client.query(sql, values)),
    usageTable: 'CREATE TABLE usage_rows (id bigint PRIMARY KEY, account text, at timestamptz NOT NULL, tokens numeric(30,6), updated_at timestamptz NOT NULL)',
    async close() {
      await client.end()
      assertThrowaway(name)
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
      await admin.end()
    },
  }
}

export async function mariadbDatabase(): Promise<SourceDatabase> {
  const name = throwawayName()
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' })
  await admin.query(`CREATE DATABASE ${name}`)
  const client = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: name, timezone: 'Z' })
  await client.query("SET time_zone = '+00:00'")
  const connection = { kind: 'mysql' as const, host: '127.0.0.1', port: 3306, database: name, user: 'root', password: '' }
  const badLogin = { kind: 'mysql', host: '127.0.0.1', port: 3306, database: name, user: 'root', password: 'wrong-password' }
  return {
    kind: 'mysql',
    name,
    connection,
    body: connection,
    badLogin,
    refused: serverRefusals(connection, badLogin),
    shown: { database: name },
    sealsPassword: true,
    env: {},
    exec: async (sql, values) => void (await client.query(sql, values)),
    usageTable:
      'CREATE TABLE usage_rows (id bigint PRIMARY KEY, account varchar(64), at datetime(6) NOT NULL, tokens decimal(30,6), updated_at datetime(6) NOT NULL)',
    async close() {
      await client.end()
      assertThrowaway(name)
      await admin.query(`DROP DATABASE ${name}`)
      await admin.end()
    },
  }
}

export type FileLayout = 'csv' | 'ndjson' | 'parquet'

/**
 * `usage_rows` as files under a throwaway TALLY_SOURCE_FILES_ROOT: the table lives in an
 * in-memory DuckDB of the test (so the suite's INSERT and UPDATE run as they are) and is written
 * out after every statement: CSV as one file named outright (`<dir>/usage_rows.csv`), NDJSON as
 * two part files reached by a glob (`<dir>/usage_rows/*.ndjson`), Parquet as two part files
 * in a directory named by its absolute path. Beside it lie the refusals' files: one of no known
 * format, a "Parquet" file of text, and a symlink to a file outside the root.
 */
export async function filesDatabase(format: FileLayout): Promise<SyncSource> {
  const root = mkdtempSync(join(tmpdir(), 'tally-files-root-'))
  const outside = mkdtempSync(join(tmpdir(), 'tally-files-outside-'))
  const name = throwawayName()
  const dir = join(root, name)
  mkdirSync(join(dir, 'usage_rows'), { recursive: true })
  const instance = await DuckDBInstance.create(':memory:')
  const duck = await instance.connect()
  const literal = (text: string) => `'${text.split("'").join("''")}'`
  writeFileSync(join(dir, 'notes.txt'), 'id,account\n1,c1\n')
  writeFileSync(join(dir, 'broken.parquet'), 'id,account\n1,c1\n')
  writeFileSync(join(outside, 'secret.csv'), 'secret\nhunter2\n')
  symlinkSync(join(outside, 'secret.csv'), join(dir, 'escape.csv'))

  async function writeOut(): Promise<void> {
    if (format === 'csv') {
      await duck.run(`COPY (SELECT * FROM usage_rows ORDER BY id) TO ${literal(join(dir, 'usage_rows.csv'))} (FORMAT csv, HEADER)`)
      return
    }
    const parts = join(dir, 'usage_rows')
    for (const f of readdirSync(parts)) rmSync(join(parts, f))
    const copy = format === 'ndjson' ? 'FORMAT json' : 'FORMAT parquet'
    await duck.run(`COPY (SELECT * FROM usage_rows WHERE id <= 10 ORDER BY id) TO ${literal(join(parts, `part-0.${format}`))} (${copy})`)
    await duck.run(`COPY (SELECT * FROM usage_rows WHERE id > 10 ORDER BY id) TO ${literal(join(parts, `part-1.${format}`))} (${copy})`)
  }

  const path = format === 'csv' ? `${name}/usage_rows.csv` : format === 'ndjson' ? `${name}/usage_rows/*.ndjson` : join(dir, 'usage_rows')
  const refusal = (why: string, body: Record<string, unknown>, code: string, status = 422): RefusedConnection => ({
    why,
    body: { kind: 'files', ...body },
    status,
    code,
  })
  return {
    kind: 'files',
    name,
    body: { kind: 'files', path },
    refused: [
      refusal('a missing file', { path: `${name}/absent.csv` }, 'source_file_not_found'),
      refusal('a name that is SQL', { path: `${name}/x'); SELECT 1; --.csv` }, 'source_file_not_found'),
      refusal('a file of no known format', { path: `${name}/notes.txt` }, 'source_format_unknown'),
      refusal('a Parquet file that is not one', { path: `${name}/broken.parquet` }, 'source_file_unreadable'),
      refusal('a CSV read as Parquet', { path: `${name}/notes.txt`, format: 'parquet' }, 'source_file_unreadable'),
      refusal('a path with ..', { path: `${name}/../../${outside.split('/').pop()}/secret.csv` }, 'source_path_invalid'),
      refusal('an absolute path outside the root', { path: join(outside, 'secret.csv') }, 'source_path_outside_root'),
      refusal('a symlink leading out', { path: `${name}/escape.csv` }, 'source_path_outside_root'),
      refusal('a URL', { path: 's3://bucket/usage.parquet' }, 'source_path_invalid'),
    ],
    shown: { kind: 'files', path },
    sealsPassword: false,
    env: { TALLY_SOURCE_FILES_ROOT: root },
    async exec(sql) {
      // `at` is a keyword to DuckDB: the suite's column list names it bare (as both servers take it).
      await duck.run(sql.replace('(id, account, at, tokens, updated_at)', '(id, account, "at", tokens, updated_at)'))
      if (!/^\s*CREATE\b/i.test(sql)) await writeOut()
    },
    usageTable:
      'CREATE TABLE usage_rows (id BIGINT PRIMARY KEY, account VARCHAR, "at" TIMESTAMP NOT NULL, tokens DECIMAL(30,6), updated_at TIMESTAMP NOT NULL)',
    async close() {
      duck.closeSync()
      instance.closeSync()
      for (const d of [root, outside]) if (d.startsWith(tmpdir())) rmSync(d, { recursive: true, force: true })
    },
  }
}
