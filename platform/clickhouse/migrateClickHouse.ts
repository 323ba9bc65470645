// Versioned ClickHouse migrations: `NNNN_name.sql` files applied in order, once each,
// recorded in `schema_migrations`. ClickHouse DDL is not transactional, so every statement
// in a migration must be idempotent (`IF NOT EXISTS`): a migration that failed half-way is
// simply run again from its first statement on the next attempt.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ClickHouseHandle } from './openClickHouse.ts'

export interface AppliedMigration {
  version: number
  name: string
}

export interface MigrationResult {
  applied: AppliedMigration[]
  /** Migrations that were already recorded with the same checksum. */
  skipped: AppliedMigration[]
}

interface MigrationFile extends AppliedMigration {
  checksum: string
  sql: string
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/

/**
 * Applies the migrations of `migrationsDir` that are not recorded yet.
 *
 * SQL files use unqualified table names: the handle's client already targets
 * `handle.database`. A file may hold several statements, each ended by `;` at the end of a
 * line. Throws when an applied migration's file changed (its checksum differs): fix forward
 * with a new migration instead of editing history.
 */
export async function migrateClickHouse(handle: ClickHouseHandle, migrationsDir: string): Promise<MigrationResult> {
  const { client } = handle
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (
      version UInt32,
      name String,
      checksum FixedString(64),
      applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY version`,
  })
  const files = readMigrationFiles(migrationsDir)
  const recorded = await readRecorded(handle)
  const result: MigrationResult = { applied: [], skipped: [] }
  for (const file of files) {
    const done = recorded.get(file.version)
    if (done !== undefined) {
      if (done.checksum !== file.checksum || done.name !== file.name) {
        throw new Error(
          `ClickHouse migration ${pad(file.version)}_${file.name} changed after it was applied ` +
            `(recorded ${done.name} ${done.checksum.slice(0, 12)}, file ${file.checksum.slice(0, 12)}); add a new migration instead`,
        )
      }
      result.skipped.push({ version: file.version, name: file.name })
      continue
    }
    for (const statement of splitStatements(file.sql)) {
      await client.command({ query: statement })
    }
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: file.version, name: file.name, checksum: file.checksum }],
      format: 'JSONEachRow',
      // NOTE: in chDB settings stick to the session (see ClickHouseHandle.client); an
      // earlier insert's dedup token must not apply here. schema_migrations has no dedup
      // window, but say so explicitly rather than rely on it.
      clickhouse_settings: { insert_deduplicate: 0 },
    })
    result.applied.push({ version: file.version, name: file.name })
  }
  return result
}

/** Splits a migration into statements at `;` ending a line; comment-only chunks are dropped. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((chunk) => chunk.trim())
    .filter((chunk) => chunk.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--')))
}

function readMigrationFiles(dir: string): MigrationFile[] {
  const files: MigrationFile[] = []
  const seen = new Set<number>()
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith('.sql')) continue
    const match = FILE_NAME.exec(entry)
    if (match === null) throw new Error(`ClickHouse migration file ${entry} is not named NNNN_name.sql`)
    const version = Number(match[1])
    if (seen.has(version)) throw new Error(`two ClickHouse migrations share version ${match[1]}`)
    seen.add(version)
    const sql = readFileSync(join(dir, entry), 'utf8')
    files.push({ version, name: match[2] ?? '', sql, checksum: createHash('sha256').update(sql).digest('hex') })
  }
  return files
}

async function readRecorded(handle: ClickHouseHandle): Promise<Map<number, { name: string; checksum: string }>> {
  const rs = await handle.client.query({
    query: 'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    format: 'JSONEachRow',
  })
  const rows = await rs.json<{ version: number; name: string; checksum: string }>()
  return new Map(rows.map((r) => [Number(r.version), { name: r.name, checksum: r.checksum }]))
}

function pad(version: number): string {
  return String(version).padStart(4, '0')
}
