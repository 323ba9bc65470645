// The ERP file exports' read side (connectors/erp's CSV import files, for teams without API
// access): the documents a month's postings stand for, as the outbox would snapshot them
// (erpSnapshots.ts), so a file and an API sync carry the same lines and amounts. Invoices with
// their customers, and the entries sent as journals; payments, credit notes and voids are
// documents an importer applies to invoices, which the sync sends and the files leave out.
import type { Database } from '../../platform/postgres/database.ts'
import { createJournalRepository } from '../accounting/journals.ts'
import { assertPeriod } from '../accounting/periods.ts'
import type { ErpCustomer, ErpInvoice, ErpJournal } from './erpDocuments.ts'
import { documentsOfEntryIn, JOURNAL_DOCUMENT_KINDS } from './erpSnapshots.ts'

export interface ErpPeriodDocuments {
  /** The customers of the invoices, once each. */
  customers: ErpCustomer[]
  invoices: ErpInvoice[]
  journals: ErpJournal[]
}

export interface ErpExportReader {
  /** What the entries posted in `period` (`YYYY-MM`, by accounting date) send, in posting order; 400 (detail `invalid_period`) for a malformed period. */
  documentsInPeriod(orgId: string, period: string): Promise<ErpPeriodDocuments>
}

/** The month's last day, `YYYY-MM-DD` (UTC calendar). */
function lastDayOf(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number]
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)
}

export function createErpExportReader(db: Database): ErpExportReader {
  const journals = createJournalRepository(db)
  return {
    async documentsInPeriod(orgId, period) {
      assertPeriod(period)
      const entries = await journals.list(orgId, { from: `${period}-01`, to: lastDayOf(period) })
      const out: ErpPeriodDocuments = { customers: [], invoices: [], journals: [] }
      for (const entry of entries) {
        if (entry.source.kind !== 'invoice' && !JOURNAL_DOCUMENT_KINDS.has(entry.source.kind)) continue
        for (const document of await documentsOfEntryIn(db, entry)) {
          if (document.kind === 'customer' && !out.customers.some((c) => c.tallyId === document.tallyId)) out.customers.push(document)
          if (document.kind === 'invoice') out.invoices.push(document)
          if (document.kind === 'journal') out.journals.push(document)
        }
      }
      return out
    },
  }
}
