// The ledger's port for ERP sync (connectors/erp): the document shapes the outbox holds, the
// connections (credentials sealed at rest) and the outbox the drain reads and records into.
// connectors/ imports the ledger from this module only, never a repository, `schema/` or `http/`.
export { ERP_DOCUMENT_KINDS, ERP_TYPES } from './erp/erpDocuments.ts'
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
