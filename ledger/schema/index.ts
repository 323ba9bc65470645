// Every ledger table; drizzle-kit reads this file to generate migrations.
export { organisations } from './organisations.ts'
export { apiKeys } from './apiKeys.ts'
export { customers } from './customers.ts'
export { billingEntities, billingEntityCounters } from './billingEntities.ts'
export { currencies } from './currencies.ts'
export { rawMetrics } from './rawMetrics.ts'
export type { FieldSchema, FieldType } from './rawMetrics.ts'
export { products } from './products.ts'
export { plans } from './plans.ts'
export type { ContractItem } from './plans.ts'
export { contracts } from './contracts.ts'
export type { ContractOverride, ContractPhase, ContractTerms } from './contracts.ts'
export { documentCounters, invoiceLines, invoices } from './invoices.ts'
export type { InvoiceStatus, LineTiming } from './invoices.ts'
export { creditNoteLines, creditNotes } from './creditNotes.ts'
export type { CreditNoteReason } from './creditNotes.ts'
export { payments } from './payments.ts'
export type { PaymentMethod } from './payments.ts'
export { billableMetrics, billableMetricVersions } from './billableMetrics.ts'
export type { StoredMetricParameter } from './billableMetrics.ts'
export {
  accountingPeriodEvents,
  accountingPeriods,
  accounts,
  journalEntries,
  journalLines,
  productRevenueAccounts,
  revenueScheduleLines,
  revenueSchedules,
} from './accounting.ts'
export type { PeriodAction, PeriodStatus } from './accounting.ts'
export { erpConnections, erpOutbox } from './erp.ts'
export { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents } from './webhooks.ts'
export { alertFirings, alerts } from './alerts.ts'
export type { ErpConnectionStatus, ErpOutboxStatus } from './erp.ts'
export { sourceConnections, sourceSyncRuns, sourceSyncs } from './sources.ts'
export { creditGrantEntries, creditGrants } from './creditGrants.ts'
export type { CreditEntryKind, CreditGrantSource, CreditGrantStatus } from './creditGrants.ts'
export { contractAmendments } from './contractAmendments.ts'
export type { AmendedState, AmendmentKind } from './contractAmendments.ts'
export { charges } from './charges.ts'
export { ratingRuns } from './ratingRuns.ts'
export { invoiceLineTaxes, productTaxRates, taxRates } from './taxRates.ts'
export type { RatingRunStatus, RatingRunTrigger } from './ratingRuns.ts'
export { consoleSessions } from './consoleSessions.ts'
export { consoleSignInFailures } from './consoleSignInFailures.ts'
