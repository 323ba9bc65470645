// Contracts and products for the pure rating tests (rating/execute/*.test.ts): the fields a test
// does not care about filled in once, so each test states only what it is about.
import type { Contract, Product } from '../../ledger/ratingStore.ts'

/** A product of organisation `o`: metered when it names a metric. */
export function fixtureProduct(over: Pick<Product, 'id' | 'name'> & Partial<Product>): Product {
  return {
    orgId: 'o',
    description: null,
    kind: over.metricName ? 'metered' : 'non_metered',
    metricName: null,
    metricVersion: null,
    defaultQuantity: null,
    createdAt: '2024-01-01T00:00:00Z',
    ...over,
  }
}

/** A monthly UTC contract of customer `acme` from 2026-10-01 with no phases or terms unless given. */
export function fixtureContract(over: Partial<Contract>): Contract {
  return {
    id: 'c-1',
    orgId: 'o',
    customerId: 'cu-1',
    customerExternalId: 'acme',
    planId: null,
    name: 'Acme',
    currency: 'USD',
    startDate: '2026-10-01',
    endDate: null,
    timeZone: 'UTC',
    cadence: 'monthly',
    anchorDay: 1,
    renewal: 'auto_renew',
    endProration: 'prorate',
    netTermsDays: 30,
    backdatedInvoices: 'draft',
    phases: [],
    terms: {},
    overrides: [],
    createdAt: '2026-09-01T00:00:00Z',
    ...over,
  }
}

/** Graduated tiers, 1.00 a unit up to 100, then 0.50: rate(q) = q up to 100, 100 + (q − 100) × 0.50 above. */
export const TIERED_1_THEN_050 = {
  model: 'tiered',
  currency: 'USD',
  tiers: [
    { up_to: '100', unit_price: '1.00' },
    { up_to: null, unit_price: '0.50' },
  ],
}

/** Volume, every unit at the tier the whole quantity reaches: 1.00 up to 500, 0.40 above — rate(400) = 400.00, rate(600) = 240.00. */
export const VOLUME_1_THEN_040 = {
  model: 'volume',
  currency: 'USD',
  tiers: [
    { up_to: '500', unit_price: '1.00' },
    { up_to: null, unit_price: '0.40' },
  ],
}
