// The ledger's entry point: every repository over one database. Later ledger concepts
// (invoices, payments, journals) join this object rather than being constructed ad hoc.
import type { Database } from '../platform/postgres/database.ts'
import { createApiKeyRepository, type ApiKeyRepository } from './apiKeys.ts'
import { createBillableMetricRepository, type BillableMetricRepository } from './billableMetrics.ts'
import { createCurrencyRepository, type CurrencyRepository } from './currencies.ts'
import { createCustomerRepository, type CustomerRepository } from './customers.ts'
import { createBillingEntityRepository, type BillingEntityRepository } from './billingEntities.ts'
import { createTaxRateRepository, type TaxRateRepository } from './tax/taxRates.ts'
import { createOrganisationRepository, type OrganisationRepository } from './organisations.ts'
import { createRawMetricRepository, type RawMetricRepository } from './rawMetrics.ts'
import { createContractRepository, type ContractRepository } from './contracts.ts'
import { createChargeRepository, type ChargeRepository } from './charges.ts'
import { createContractAmendmentRepository, type ContractAmendmentRepository } from './contractAmendments.ts'
import { createCreditGrantRepository, type CreditGrantRepository } from './creditGrants.ts'
import { createCreditNoteRepository, type CreditNoteRepository } from './creditNotes.ts'
import { createInvoiceDraftStore, type InvoiceDraftStore } from './invoiceDrafts.ts'
import { createInvoiceRepository, type InvoiceRepository } from './invoices.ts'
import { createPaymentRepository, type PaymentRepository } from './payments.ts'
import { createPlanRepository, type PlanRepository } from './plans.ts'
import { createProductRepository, type ProductRepository } from './products.ts'
import type { RatingDocuments } from './ratingStore.ts'
import { createRatingRunRepository, type RatingRunRepository } from './ratingRuns.ts'
import { createAccountRepository, type AccountRepository } from './accounting/accounts.ts'
import { createJournalRepository, type JournalRepository } from './accounting/journals.ts'
import { createPeriodRepository, type PeriodRepository } from './accounting/periods.ts'
import { createRevenueScheduleRepository, type RevenueScheduleRepository } from './accounting/revenueSchedules.ts'
import { createAccountingReports, type AccountingReports } from './accounting/reports/accountingReports.ts'

export { ledgerMigrationsFolder } from './ledgerMigrationsFolder.ts'

export interface Ledger {
  organisations: OrganisationRepository
  apiKeys: ApiKeyRepository
  /** Custom currencies declared per organisation, and each organisation's currency table. */
  currencies: CurrencyRepository
  customers: CustomerRepository
  /** The legal entities an organisation invoices from, each with its own document sequences. */
  billingEntities: BillingEntityRepository
  taxRates: TaxRateRepository
  rawMetrics: RawMetricRepository
  billableMetrics: BillableMetricRepository
  products: ProductRepository
  plans: PlanRepository
  contracts: ContractRepository
  /** End date, termination, phases added, edited and deleted: versioned and audited (contractAmendments.ts). */
  contractAmendments: ContractAmendmentRepository
  /** One-off charges billed on a contract's next invoice, idempotent by the client's key (charges.ts). */
  charges: ChargeRepository
  invoices: InvoiceRepository
  invoiceDrafts: InvoiceDraftStore
  /** The history of rating runs: who started each, when, and what it did (ratingRuns.ts). */
  ratingRuns: RatingRunRepository
  creditNotes: CreditNoteRepository
  /** Credit grants made through the API: grant, top up, void, expire, balances (creditGrants.ts). */
  creditGrants: CreditGrantRepository
  payments: PaymentRepository
  /** The chart of accounts and product → revenue account mapping. */
  accounts: AccountRepository
  /** Balanced, immutable journal entries, idempotent by source; the trial balance. */
  journals: JournalRepository
  /** Accounting periods: close, audited reopen, where a dated entry posts. */
  periods: PeriodRepository
  revenueSchedules: RevenueScheduleRepository
  /** Deferred revenue waterfall, revenue by product / customer / month, AR aging. */
  reports: AccountingReports
}

/** `documents`: rating's rules for the prices, terms and rating records stored here (ratingStore.ts). */
export function createLedger(db: Database, documents: RatingDocuments): Ledger {
  const currencies = createCurrencyRepository(db)
  const customers = createCustomerRepository(db, { currencies })
  const products = createProductRepository(db)
  const plans = createPlanRepository(db, { products, currencies, documents })
  const contracts = createContractRepository(db, { customers, plans, products, currencies, documents })
  return {
    organisations: createOrganisationRepository(db),
    apiKeys: createApiKeyRepository(db),
    currencies,
    customers,
    billingEntities: createBillingEntityRepository(db),
    taxRates: createTaxRateRepository(db),
    rawMetrics: createRawMetricRepository(db),
    billableMetrics: createBillableMetricRepository(db),
    products,
    plans,
    contracts,
    contractAmendments: createContractAmendmentRepository(db, { products, currencies, documents }),
    charges: createChargeRepository(db, { customers, contracts, products, currencies }),
    invoices: createInvoiceRepository(db),
    invoiceDrafts: createInvoiceDraftStore(db, documents),
    ratingRuns: createRatingRunRepository(db),
    creditNotes: createCreditNoteRepository(db, { currencies }),
    creditGrants: createCreditGrantRepository(db, { currencies, customers }),
    payments: createPaymentRepository(db, { currencies }),
    accounts: createAccountRepository(db),
    journals: createJournalRepository(db),
    periods: createPeriodRepository(db),
    revenueSchedules: createRevenueScheduleRepository(db),
    reports: createAccountingReports(db),
  }
}
