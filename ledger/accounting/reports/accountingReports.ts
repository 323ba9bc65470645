// The accounting reports over one database, as the `Ledger` exposes them. The trial balance
// and an invoice's journal trail are the journal repository's own (`journals.trialBalance`,
// `journals.entryTrail`); these are the reports that read schedules and invoices too.
import type { Database } from '../../../platform/postgres/database.ts'
import { arAging, type ArAgingRow } from './arAging.ts'
import { deferredRevenueWaterfall, type DeferredRevenueWaterfall, type WaterfallFilters } from './deferredRevenue.ts'
import { journalExport, type JournalExportRow } from './journalExport.ts'
import { revenueReport, type RevenueQuery, type RevenueRow } from './revenue.ts'

export interface AccountingReports {
  /** Rows: schedules; columns: months; a total row per currency. 400 for a malformed month. */
  deferredRevenue(orgId: string, filters?: WaterfallFilters): Promise<DeferredRevenueWaterfall>
  /** Revenue account credits minus debits of entries posted in [from, to], per group and currency. */
  revenue(orgId: string, query: RevenueQuery): Promise<RevenueRow[]>
  /** Open invoice balances as of `asOf` (`YYYY-MM-DD`) per customer and currency, by days past due. */
  arAging(orgId: string, asOf: string): Promise<ArAgingRow[]>
  /** Every journal line of the entries posted in `period` (`YYYY-MM`), in posting order; 400 for a malformed period. */
  journalExport(orgId: string, period: string): Promise<JournalExportRow[]>
}

export function createAccountingReports(db: Database): AccountingReports {
  return {
    deferredRevenue: (orgId, filters) => deferredRevenueWaterfall(db, orgId, filters),
    revenue: (orgId, query) => revenueReport(db, orgId, query),
    arAging: (orgId, asOf) => arAging(db, orgId, asOf),
    journalExport: (orgId, period) => journalExport(db, orgId, period),
  }
}
