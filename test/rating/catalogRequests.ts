// The requests catalogValidation.test.ts builds its refusal cases from (catalogRefusalCases.ts,
// contractRefusalCases.ts): ids filled in by the test's set-up before any case runs, price and
// body builders, and the case shape.
import { randomUUID } from 'node:crypto'

/** Filled in by the test's beforeAll: the products, the contract phases are added to, another organisation's key. */
export const ids = { api: '', platform: '', seats: '', contract: '', otherOrgKey: '' }
export const flat = (amount: string, currency = 'USD') => ({ model: 'flat_fee', currency, amount })
export const tiered = {
  model: 'tiered',
  currency: 'USD',
  tiers: [
    { up_to: '1000', unit_price: '0.10' },
    { up_to: null, unit_price: '0.05' },
  ],
}

export interface Case {
  name: string
  path: () => string
  body: () => unknown
  status: 400 | 404 | 422
  code: string
  /** The detail naming the failing field. */
  detail?: { field: string; code?: string }
  headers?: () => Record<string, string>
}

export const phase = (items: unknown[], start = '2026-10-01') => ({ start_date: start, items })
export const platformItem = (price: unknown = flat('100.00')) => ({ product_id: ids.platform, billing: 'in_advance', price })
export const contractBody = (extra: Record<string, unknown> = {}) => ({
  customer: 'acme',
  currency: 'USD',
  start_date: '2026-10-01',
  cadence: 'monthly',
  phases: [phase([platformItem()])],
  ...extra,
})
export const fromPlan = (extra: Record<string, unknown> = {}) => ({ customer: 'acme', plan: 'Pro', start_date: '2026-10-01', cadence: 'monthly', ...extra })
export const planBody = (extra: Record<string, unknown> = {}) => ({
  name: `Plan ${randomUUID().slice(0, 6)}`,
  currency: 'USD',
  items: [platformItem()],
  ...extra,
})
export const products = () => '/v1/products'
export const plans = () => '/v1/plans'
export const contracts = () => '/v1/contracts'
export const phases = () => `/v1/contracts/${ids.contract}/phases`
