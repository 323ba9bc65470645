// Which rate a customer's invoice lines are taxed at when their product has no rate of its own,
// and why, for the customer page: the customer's own default rate (archived ones too: the ledger
// keeps taxing at a rate a customer still names); else the organisation's live rate whose
// jurisdiction is the customer's address country (ISO 3166-1 alpha-2, any case; at most one live
// rate per jurisdiction); else none. The ledger decides it the same way at finalization
// (ledger/tax/invoiceTaxes.ts customerRate, ledger/tax/README.md "Which rate"); the console reads
// it from the public API (the customer, GET /v1/tax-rates) rather than from the ledger.
// A product's own rate (PUT /v1/products/:id/tax-rate) still wins for that product's lines.
import type { TaxRate } from './pages/customerTax.tsx'
import type { Customer } from './pages/customers.tsx'

export type EffectiveTaxRate =
  /** The customer names a rate; `rate` undefined when it could not be read. */
  | { source: 'customer'; rate: TaxRate | undefined }
  | { source: 'country'; country: string; rate: TaxRate }
  /** No rate of its own and none for its country (`country` null: no address country). */
  | { source: 'none'; country: string | null }

/** `own`: the customer's rate when it names one; `live`: the organisation's live rates (needed only without one). */
export function effectiveTaxRate(customer: Pick<Customer, 'tax_rate' | 'address'>, own: TaxRate | undefined, live: readonly TaxRate[]): EffectiveTaxRate {
  if (customer.tax_rate !== undefined) return { source: 'customer', rate: own }
  const country = customer.address?.country?.trim().toUpperCase() || null
  const rate = country === null ? undefined : live.find((r) => r.archived_at === null && r.jurisdiction === country)
  return rate === undefined ? { source: 'none', country } : { source: 'country', country: country!, rate }
}
