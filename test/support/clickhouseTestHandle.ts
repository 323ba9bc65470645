// A throwaway embedded ClickHouse for one test file: a fresh temp data directory, metering
// migrations applied. NOTE: chDB binds one data directory per process, so call this once per
// test file (vitest runs each file in its own fork).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrateClickHouse } from '../../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse, type ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { meteringMigrationsDir } from '../../metering/migrations.ts'

export interface TestClickHouse {
  handle: ClickHouseHandle
  dataDir: string
  /** Closes the handle and deletes the data directory. */
  destroy(): Promise<void>
}

export async function openTestClickHouse(prefix = 'tally-ch-test-'): Promise<TestClickHouse> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  const handle = await openClickHouse({ dataDir })
  await migrateClickHouse(handle, meteringMigrationsDir)
  return {
    handle,
    dataDir,
    async destroy() {
      await handle.close()
      // Only ever deletes the temp directory this helper created.
      if (dataDir.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
