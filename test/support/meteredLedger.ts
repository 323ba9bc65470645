// The real engines a rating test runs on: chDB (events, metrics) and a PGlite ledger, each in a
// throwaway directory, with the event writer and the metering services the app builds over them.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildMeteringServices } from '../../app/services.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { createEventWriter, type EventWriter } from '../../metering/eventWriter.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import type { StoredVersion } from '../../sql/metricStore.ts'
import { openTestClickHouse } from './clickhouseTestHandle.ts'
import { createTestLedger, testNow } from './testLedger.ts'

export interface MeteredLedger {
  db: DatabaseHandle
  ledger: Ledger
  writer: EventWriter
  services: ReturnType<typeof buildMeteringServices>
  close(): Promise<void>
}

/** `prefix` names the temporary directories, e.g. `tally-rating-e2e-`. */
export async function openMeteredLedger(prefix: string): Promise<MeteredLedger> {
  const ch = await openTestClickHouse(prefix)
  const writer = createEventWriter(ch.handle)
  const pgDir = await mkdtemp(join(tmpdir(), `${prefix}pg-`))
  const db = await openDatabase({ dataDir: pgDir })
  await migrateDatabase(db, ledgerMigrationsFolder)
  const ledger = createTestLedger(db.db)
  return {
    db,
    ledger,
    writer,
    services: buildMeteringServices(ch.handle, ledger),
    async close() {
      await writer.close()
      await ch.destroy()
      await db.close()
      await rm(pgDir, { recursive: true, force: true })
    },
  }
}

/** `raw.api_calls` and the billable metric the rating tests and bench stage 8 bill over it: `api_call_count`, COUNT per customer (version 1, returned). */
export async function createApiCallCount(engines: Pick<MeteredLedger, 'ledger' | 'services'>, orgId: string): Promise<StoredVersion> {
  await engines.ledger.rawMetrics.create({ now: testNow(), orgId, name: 'api_calls' })
  return engines.services.metricService.create(
    orgId,
    'api_call_count',
    {
      unit: 'call',
      mode: 'builder',
      builder: { raw_metric: 'api_calls', customer_column: 'customer_id', aggregation: 'COUNT', filters: [], group_by: [] },
    },
    testNow(),
  )
}
