// The ledger's port for data-source connectors (connectors/sources): connections (password
// sealed at rest), sync jobs with their checkpoints, and runs. connectors/ imports the ledger
// from this module (or erpStore.ts) only.
import type { Database } from '../platform/postgres/database.ts'
import type { SecretBox } from '../platform/secretBox.ts'
import { createSourceConnectionRepository, type SourceConnectionRepository } from './sources/sourceConnections.ts'
import { createSourceSyncRepository, type SourceSyncRepository } from './sources/sourceSyncs.ts'
export { DATA_FIELD_TYPES, SOURCE_KINDS } from './sources/sourceTypes.ts'
export type { DataFieldType, SourceKind, SourceSyncSpec, SyncCursor, SyncMapping, SyncReject, SyncRunStatus } from './sources/sourceTypes.ts'
export type { CreateSourceConnectionInput, SourceConnection, SourceConnectionRepository } from './sources/sourceConnections.ts'
export type { BatchRecord, SourceSync, SourceSyncRepository, SyncRun } from './sources/sourceSyncs.ts'

export interface SourceStore {
  connections: SourceConnectionRepository
  syncs: SourceSyncRepository
}

/** `secrets` seals connection passwords (TALLY_SECRET_KEY, the ERP connections' key); built by the composition root. */
export function createSourceStore(db: Database, deps: { secrets: SecretBox }): SourceStore {
  return { connections: createSourceConnectionRepository(db, deps), syncs: createSourceSyncRepository(db) }
}
