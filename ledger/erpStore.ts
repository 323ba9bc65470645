// The ledger's port for ERP sync (connectors/erp): the document shapes the outbox holds, the
// connections (credentials sealed at rest) and the outbox the drain reads and records into.
// connectors/ imports the ledger from this module only, never a repository, `schema/` or `http/`.
import type { Database } from '../platform/postgres/database.ts'
import type { SecretBox } from '../platform/secretBox.ts'
import { createErpConnectionRepository, type ErpConnectionRepository } from './erp/erpConnections.ts'
import { createErpExportReader, type ErpExportReader } from './erp/erpExports.ts'
import { createErpOutboxRepository, type ErpOutboxRepository } from './erp/erpOutbox.ts'
export { ERP_DOCUMENT_KINDS, ERP_TYPES } from './erp/erpDocuments.ts'
export { ITEM_PREFIX } from './erp/erpMappingCheck.ts'
export type {
  ErpCreditNote,
  ErpCustomer,
  ErpDocument,
  ErpDocumentKind,
  ErpDocumentLine,
  ErpInvoice,
  ErpInvoiceVoid,
  ErpJournal,
  ErpJournalLine,
  ErpPayment,
  ErpType,
} from './erp/erpDocuments.ts'
export type { CreateErpConnectionInput, ErpConnection, ErpConnectionRepository } from './erp/erpConnections.ts'
export type { ErpOutboxRepository, OutboxRow, OutboxStatus } from './erp/erpOutbox.ts'
export type { ErpExportReader, ErpPeriodDocuments } from './erp/erpExports.ts'
export type { ErpOutboxStatus } from './schema/erp.ts'

/** What ERP sync reads and writes. The outbox's rows are written by the ledger itself, with each posting (erp/erpOutboxWrites.ts). */
export interface ErpStore {
  connections: ErpConnectionRepository
  outbox: ErpOutboxRepository
  /** A month's documents for the ERP import files (connectors/erp/netsuite/csvImport.ts). */
  exports: ErpExportReader
}

/** `secrets` seals connection credentials (TALLY_SECRET_KEY); built by the composition root. */
export function createErpStore(db: Database, deps: { secrets: SecretBox }): ErpStore {
  return { connections: createErpConnectionRepository(db, deps), outbox: createErpOutboxRepository(db), exports: createErpExportReader(db) }
}
