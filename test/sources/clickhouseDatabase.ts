// A throwaway ClickHouse database for the shared source suites: created on ClickHouse's HTTP
// interface over chDB in a child process (chdbHttp.ts), with its own user and password, dropped
// only under its `tally_src_*` name. The suite's SQL runs as written but for its UPDATE, which
// ClickHouse spells `ALTER TABLE … UPDATE` (a mutation, waited for with mutations_sync = 2).
import { ClickHouseLogLevel, createClient } from '@clickhouse/client'
import { startChdbHttp } from './chdbHttp.ts'
import { assertThrowaway, throwawayName, type RefusedConnection, type SyncSource } from './sourceDatabases.ts'

const USER = 'tally_reader'
const PASSWORD = 'ch-reader-password-9f2'

export interface ClickHouseSource extends SyncSource {
  kind: 'clickhouse'
  connection: { kind: 'clickhouse'; url: string; database: string; user: string; password: string }
}

export async function clickhouseDatabase(): Promise<ClickHouseSource> {
  const server = await startChdbHttp({ user: USER, password: PASSWORD })
  const name = throwawayName()
  const base = { url: server.url, username: USER, password: PASSWORD, log: { level: ClickHouseLogLevel.OFF } }
  const admin = createClient(base)
  await admin.command({ query: `CREATE DATABASE ${name}` })
  const client = createClient({ ...base, database: name })
  const connection = { kind: 'clickhouse' as const, url: server.url, database: name, user: USER, password: PASSWORD }
  const refused: RefusedConnection[] = [
    { why: 'an unreachable host', body: { ...connection, url: 'http://127.0.0.1:1' }, status: 422, code: 'source_unreachable' },
    { why: 'a refused login', body: { ...connection, password: 'wrong-password' }, status: 422, code: 'source_auth_failed' },
    { why: 'a missing database', body: { ...connection, database: 'tally_src_absent' }, status: 422, code: 'source_database_not_found' },
    { why: 'a URL carrying credentials', body: { ...connection, url: server.url.replace('//', `//${USER}:x@`) }, status: 400, code: 'invalid_request' },
  ]
  return {
    kind: 'clickhouse',
    name,
    connection,
    body: connection,
    refused,
    shown: { kind: 'clickhouse', url: server.url, database: name, user: USER },
    sealsPassword: true,
    env: {},
    async exec(sql) {
      const update = /^\s*UPDATE\s+(\S+)\s+SET\s+([\s\S]+)$/i.exec(sql)
      if (update === null) return void (await client.command({ query: sql }))
      await client.command({ query: `ALTER TABLE ${update[1]} UPDATE ${update[2]}`, clickhouse_settings: { mutations_sync: '2' } })
    },
    usageTable:
      "CREATE TABLE usage_rows (id Int64, account Nullable(String), at DateTime64(6, 'UTC'), tokens Decimal(30, 6), updated_at DateTime64(6, 'UTC')) ENGINE = MergeTree ORDER BY id",
    async close() {
      await client.close()
      assertThrowaway(name)
      await admin.command({ query: `DROP DATABASE ${name}` })
      await admin.close()
      await server.stop()
    },
  }
}
