// The ledger's port for rating: what rating stores here (price definitions in plans and
// contracts, contract terms, each invoice's rating record) and the narrow views it reads and
// writes through. Rating imports ledger types and functions from this module only, never a
// repository file, `schema/` or `http/`.
//
// Price definitions, terms and rating records are rating's language (rating/compute's zod
// schemas), and the ledger may import only platform (DESIGN's folder table). So the ledger is
// given rating's rules as `RatingDocuments` where it is constructed (app/stores.ts) and applies
// them where it stores: plans.create, contracts.create, contractAmendments.amend and a draft's
// rating record. What comes back out was checked going in; rating reads it as JSON and parses
// it with its own schema where it computes (README "Documents rating owns").
import type { CurrencyTable } from '../platform/currency.ts'
import type { BillableMetricRepository } from './billableMetrics.ts'
import type { CurrencyRepository } from './currencies.ts'
import type { Contract, ContractRepository } from './contracts.ts'
import type { ContractAmendmentRepository } from './contractAmendments.ts'
import type { ChargeRepository } from './charges.ts'
import type { CustomerRepository } from './customers.ts'
import type { ContractRatingSession, InvoiceDraftStore } from './invoiceDrafts.ts'
import type { CreditGrantTerm } from './creditGrantBalances.ts'
import type { CreditGrantRepository } from './creditGrants.ts'
import type { InvoiceRepository } from './invoices.ts'
import type { PlanRepository } from './plans.ts'
import type { ProductRepository } from './products.ts'
import type { ContractPhase } from './schema/contracts.ts'

export type { Cadence, Contract, CreateContractInput, ItemOverride } from './contracts.ts'
export type { AmendmentChange, Amendment } from './contractAmendments.ts'
export type { Charge, ChargeRepository } from './charges.ts'
export { applyOverrides, notFoundAt } from './contracts.ts'
export type { Customer } from './customers.ts'
export type { CurrencyTable } from '../platform/currency.ts'
export type { ContractRatingSession, DraftInvoice, DraftOutcome } from './invoiceDrafts.ts'
export type { ContractBatch } from './invoiceDraftBatch.ts'
export type { CreditGrantTerm } from './creditGrantBalances.ts'
// Usage accrued as consumed at a month's close: rating answers what was consumed (rating/execute/usageAccrual.ts).
export type { UsageAccrualSource, UsageToDate } from './accounting/usageAccruals.ts'
export type { Invoice, InvoiceLine, NewInvoiceLine } from './invoices.ts'
export { invoiceStateError } from './invoiceStateError.ts'
export type { Plan } from './plans.ts'
export { RATING_RUN_STATUSES } from './ratingRuns.ts'
export type { NameCursor, NamePage } from './namePage.ts'
export { isUuid } from './ids.ts'
export type { RatingRunCounters, RatingRunCursor, RatingRunRecord, RatingRunRepository, RatingRunStatus } from './ratingRuns.ts'
export type { Product } from './products.ts'
export type { ContractItem } from './schema/plans.ts'
export type { ContractOverride, ContractPhase, ContractTerms } from './schema/contracts.ts'
export type { InvoiceStatus, LineTiming } from './schema/invoices.ts'
// A reissue answers the new draft as every invoice endpoint does.
export { invoiceToJson, lineToJson } from './http/invoiceJson.ts'
export { invoiceJson, invoiceLineJson } from './http/invoiceSchemas.ts'

/**
 * Rating's rules for the JSON documents the ledger keeps for it. Each throws a TallyError
 * (422 `invalid_price_definition` and the like) whose details name `field` and the path
 * inside the document (`phases[0].items[1].price.tiers[2].up_to`); each returns nothing,
 * since the ledger stores the JSON as given.
 */
export interface RatingDocuments {
  /**
   * `currencies` is the organisation's table: a price may name a declared custom currency as a
   * plain code (`"currency": "CREDITS"`), and an inline `{ code, precision }` must agree with a
   * declaration of the same code.
   */
  price(value: unknown, field: string, currencies: CurrencyTable): void
  terms(value: unknown, field: string): void
  /**
   * Terms (already accepted by `terms`) against the products the contract sells (`products`: each
   * one's id and name): a discount that could never apply is a 422 naming `field` + its path
   * (`terms.discounts[1].target`).
   */
  termsFor(value: unknown, field: string, products: readonly { id: string; name: string }[]): void
  /**
   * An amendment of a contract (phases, end date, renewal) against its finalized invoices: a 422
   * `problem.code` at `problem.field` when it would change what one of them billed and no open
   * invoice can prorate it (rating/execute/contractChange.ts).
   */
  contractChange(change: ContractChangeInput, problem: { field: string; code: string }): void
  /** An invoice's rating record, written by rating runs and reissues. */
  ratingRecord(value: unknown): void
}

/** A contract's calendar and phases before and after an amendment, and its finalized and paid invoices. */
export interface ContractChangeInput {
  before: ContractSide
  after: ContractSide
  final: readonly { number: number | null; billingDate: string; periodIndex: number }[]
}

export interface ContractSide {
  schedule: Pick<Contract, 'startDate' | 'endDate' | 'cadence' | 'anchorDay' | 'renewal'>
  phases: readonly ContractPhase[]
}

/**
 * The session of a contract's rating as the draft store opens it: with the customer's API credit
 * grants (not void), locked after the contract, each with what is left after its entries and the
 * customer's other contracts' live draws (creditGrantBalances.ts). Optional for sessions that
 * read none.
 */
export type RatingSession = ContractRatingSession & { creditGrants?: CreditGrantTerm[] }

/** What a rating run and a reissue read and write: contracts, their products, invoices and drafts. */
export interface RatingStore {
  /** Each organisation's currency table (ISO 4217 plus its declared currencies): the minor units a contract's currency rounds to. */
  currencies: Pick<CurrencyRepository, 'table'>
  contracts: Pick<ContractRepository, 'get' | 'list' | 'count'>
  products: Pick<ProductRepository, 'getMany'>
  invoices: Pick<InvoiceRepository, 'get' | 'lines' | 'statusesForContracts'>
  invoiceDrafts: InvoiceDraftStore
  /** API credit grants as a session would draw them, for the invoice preview (the session itself brings them to runs). */
  creditGrants: Pick<CreditGrantRepository, 'drawableFor'>
  /** One-off charges of the contracts rated, billed on the invoice that follows their date. */
  charges: Pick<ChargeRepository, 'forContracts'>
}

/** What the catalogue routes (products, plans, contracts) read and write. */
export interface CatalogStore {
  currencies: Pick<CurrencyRepository, 'table'>
  customers: Pick<CustomerRepository, 'get'>
  billableMetrics: Pick<BillableMetricRepository, 'get'>
  products: ProductRepository
  plans: PlanRepository
  contracts: ContractRepository
  contractAmendments: ContractAmendmentRepository
}
