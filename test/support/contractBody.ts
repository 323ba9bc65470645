// The body of POST /v1/contracts for the common test case: one customer, USD, monthly from
// `start` (default 2026-01-01) with one phase of `items`; `extra` adds or replaces fields
// (end_date, renewal, backdated_invoices, terms).
export function monthlyContract(customer: string, items: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const start = typeof extra.start_date === 'string' ? extra.start_date : '2026-01-01'
  return { customer, currency: 'USD', start_date: start, cadence: 'monthly', phases: [{ start_date: start, items }], ...extra }
}

/** A contract item priced in USD: a flat fee in advance, or a unit price in arrears. */
export function usdItem(productId: string, billing: 'in_advance' | 'in_arrears', price: { amount: string } | { unit_price: string }): Record<string, unknown> {
  const definition =
    'amount' in price ? { model: 'flat_fee', currency: 'USD', amount: price.amount } : { model: 'per_unit', currency: 'USD', unit_price: price.unit_price }
  return { product_id: productId, billing, price: definition }
}
