// The data-source connectors of a process (connectors/sources): the store (passwords sealed with
// TALLY_SECRET_KEY, as the ERP connections'), and the sync service writing through the process's
// event sink, the gateway's, so validation, dedup, dead letters and rollups are the same.
import type { IngestCatalog } from '../ingest/catalog.ts'
import type { EventSink } from '../ingest/sink/eventSink.ts'
import { createSourceStore, type SourceStore } from '../ledger/sourceStore.ts'
import { openStoredSource, type SourceEnv } from '../connectors/sources/sourceKinds.ts'
import { createRemoteMetricRunner } from '../connectors/sources/remote/remoteMetricRunner.ts'
import { createSourceSyncService, type SourceSyncService } from '../connectors/sources/sync/sourceSync.ts'
import type { Clock } from '../platform/clock.ts'
import type { Config } from '../platform/config/schema.ts'
import type { Logger } from '../platform/logger.ts'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { createSecretBox } from '../platform/secretBox.ts'

/** Remote-mode billable metrics over this process's source connections (given to the metric service). */
export function remoteMetricRunner(parts: { config: Config; database: DatabaseHandle; clock: Clock }) {
  return createRemoteMetricRunner({ store: createSourceStore(parts.database.db, { secrets: createSecretBox(parts.config.secretKey) }), clock: parts.clock })
}

/** What the drivers take from the configuration: the directory files sources may read. */
export function sourceEnv(config: Config): SourceEnv {
  return { filesRoot: config.sourceFilesRoot }
}

export interface SourceServices {
  store: SourceStore
  syncs: SourceSyncService
}

export function createSourceServices(parts: {
  config: Config
  database: DatabaseHandle
  catalog: IngestCatalog
  sink: EventSink
  clock: Clock
  logger: Logger
}): SourceServices {
  const store = createSourceStore(parts.database.db, { secrets: createSecretBox(parts.config.secretKey) })
  const syncs = createSourceSyncService({
    store,
    sink: parts.sink,
    catalog: parts.catalog,
    clock: parts.clock,
    logger: parts.logger,
    openDriver: (connection) => openStoredSource(store, connection, sourceEnv(parts.config)),
    acceptUnknownCustomers: parts.config.acceptUnknownCustomers,
  })
  return { store, syncs }
}
