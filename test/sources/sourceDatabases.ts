// Throwaway source databases on the machine's PostgreSQL (127.0.0.1:5432, trust) and MariaDB
// (127.0.0.1:3306, root without password), one per test file, named `tally_src_*` and dropped
// only under that name. Each kind gives the same table in its own DDL, so one suite runs on both.
import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import pg from 'pg'

export interface SourceDatabase {
  kind: 'postgres' | 'mysql'
  name: string
  /** The POST /v1/sources body for this database. */
  connection: { kind: 'postgres' | 'mysql'; host: string; port: number; database: string; user: string; password: string }
  /** A body whose login the server refuses. */
  badLogin: Record<string, unknown>
  exec(sql: string, values?: unknown[]): Promise<void>
  /** `usage_rows(id, account, at, tokens, updated_at)` in this kind's types: microsecond times, decimal tokens. */
  usageTable: string
  close(): Promise<void>
}

const throwawayName = () => `tally_src_${randomBytes(5).toString('hex')}`

function assertThrowaway(name: string): void {
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
  return {
    kind: 'postgres',
    name,
    connection: { kind: 'postgres', host: '127.0.0.1', port: 5432, database: name, user: 'postgres', password: 'unused-under-trust' },
    badLogin: { kind: 'postgres', host: '127.0.0.1', port: 5432, database: name, user: 'no_such_role_tally', password: 'x' },
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
  return {
    kind: 'mysql',
    name,
    connection: { kind: 'mysql', host: '127.0.0.1', port: 3306, database: name, user: 'root', password: '' },
    badLogin: { kind: 'mysql', host: '127.0.0.1', port: 3306, database: name, user: 'root', password: 'wrong-password' },
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
