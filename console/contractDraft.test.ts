import { describe, expect, it } from 'vitest'
import { draftFromForm, draftFromPlan, overridesOf, parsePrices, previewInvoice } from './contractDraft.ts'
import type { Plan, Product } from './pages/catalogue.tsx'

const CALLS = '00000000-0000-4000-8000-000000000001'
const SEATS = '00000000-0000-4000-8000-000000000002'
const plan: Plan = {
  id: 'plan-1',
  name: 'Usage plan',
  description: null,
  currency: 'USD',
  features: [],
  created_at: '2026-01-01T00:00:00Z',
  items: [
    { product_id: CALLS, billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: '0.10' } },
    { product_id: SEATS, billing: 'in_advance', price: { model: 'per_unit', currency: 'USD', unit_price: '20.00' }, quantity: '5' },
  ],
}
const product = (id: string, name: string, kind: Product['kind']): Product => ({
  id,
  name,
  kind,
  description: null,
  metric: kind === 'metered' ? { name: 'calls', version: 1 } : null,
  default_quantity: null,
  created_at: '2026-01-01T00:00:00Z',
})
const products = new Map([
  [CALLS, product(CALLS, 'API calls', 'metered')],
  [SEATS, product(SEATS, 'Seats', 'non_metered')],
])

/** The form a browser posts for the plan, with some fields changed. */
function posted(change: Record<string, string>): Record<string, string> {
  const d = draftFromPlan(plan, { customer: 'globex', today: '2026-03-10' })
  const form: Record<string, string> = { customer: d.customer, name: '', start_date: d.start_date, cadence: d.cadence }
  d.items.forEach((it, i) => {
    form[`item_${i}_price`] = it.price
    form[`item_${i}_billing`] = it.billing
    form[`item_${i}_quantity`] = it.quantity
    form[`item_${i}_preview_quantity`] = it.preview_quantity
  })
  return { ...form, ...change }
}

const overrides = (change: Record<string, string>) => {
  const draft = draftFromForm(posted(change), plan)
  const priced = parsePrices(draft, plan, products)
  if (!priced.ok) throw new Error(priced.problem.message)
  return overridesOf(draft, plan, priced.prices)
}

describe('a contract drafted from a plan', () => {
  it('starts on the first of the month, with the plan as it is: no overrides', () => {
    expect(draftFromPlan(plan, { customer: 'globex', today: '2026-03-10' }).start_date).toBe('2026-03-01')
    expect(overrides({})).toEqual([])
  })

  it('is not an override when a price is typed with its keys in another order', () => {
    expect(overrides({ item_0_price: '{"unit_price": "0.10", "currency": "USD", "model": "per_unit"}' })).toEqual([])
  })

  it('sends what differs, per product: a price, a billing, a quantity', () => {
    expect(
      overrides({ item_0_price: '{"model":"per_unit","currency":"USD","unit_price":"0.25"}', item_1_billing: 'in_arrears', item_1_quantity: '8' }),
    ).toEqual([
      { product_id: CALLS, price: { model: 'per_unit', currency: 'USD', unit_price: '0.25' } },
      { product_id: SEATS, billing: 'in_arrears', quantity: '8' },
    ])
  })

  it('refuses a price that is not a JSON object, naming the product and the field', () => {
    const draft = draftFromForm(posted({ item_1_price: '{"model": per_unit}' }), plan)
    const priced = parsePrices(draft, plan, products)
    expect(priced.ok).toBe(false)
    if (!priced.ok) {
      expect(priced.problem.code).toBe('invalid_json')
      expect(priced.problem.message).toContain('The price of Seats')
      expect(priced.problem.issues).toEqual([{ message: 'items[1].price: not a JSON object', code: 'invalid_json' }])
    }
  })

  it('previews one period: metered at the usage typed, the rest at their quantity', () => {
    const draft = draftFromForm(posted({ item_0_preview_quantity: '3' }), plan)
    const priced = parsePrices(draft, plan, products)
    if (!priced.ok) throw new Error('unexpected')
    expect(previewInvoice({ draft, plan, prices: priced.prices, products })).toEqual({
      currency: 'USD',
      as_of: '2026-03-01',
      lines: [
        { id: 'item-0', product: 'API calls', price: plan.items[0]!.price, quantity: '3' },
        { id: 'item-1', product: 'Seats', price: plan.items[1]!.price, quantity: '5' },
      ],
    })
  })
})
