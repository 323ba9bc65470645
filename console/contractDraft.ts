// A new contract's form as data: filled from a plan, read back from the posted form, its prices
// parsed, what differs from the plan as the API's overrides, and the inline invoice that previews
// one period. Pure functions: the route (routes/contractNew.tsx) calls the API with their results.
import { CADENCES, type ContractDraft } from './pages/contractNew.tsx'
import type { Plan, Product } from './pages/catalogue.tsx'
import type { Problem } from './routeKit.tsx'

/** JSON with object keys sorted, so a price typed with its keys in another order is the plan's. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

export function draftFromPlan(plan: Plan | undefined, input: { customer: string; today: string }): ContractDraft {
  return {
    plan: plan?.id ?? '',
    customer: input.customer,
    name: '',
    start_date: `${input.today.slice(0, 8)}01`,
    cadence: 'monthly',
    items: (plan?.items ?? []).map((it) => ({ price: JSON.stringify(it.price), billing: it.billing, quantity: it.quantity ?? '', preview_quantity: '0' })),
  }
}

export function draftFromForm(form: Record<string, string>, plan: Plan): ContractDraft {
  const cadence = CADENCES.find((c) => c === form.cadence) ?? 'monthly'
  return {
    plan: plan.id,
    customer: (form.customer ?? '').trim(),
    name: (form.name ?? '').trim(),
    start_date: form.start_date ?? '',
    cadence,
    items: plan.items.map((_, i) => ({
      price: form[`item_${i}_price`] ?? '',
      billing: form[`item_${i}_billing`] === 'in_advance' ? 'in_advance' : 'in_arrears',
      quantity: (form[`item_${i}_quantity`] ?? '').trim(),
      preview_quantity: (form[`item_${i}_preview_quantity`] ?? '').trim(),
    })),
  }
}

type Priced = { ok: true; prices: Record<string, unknown>[] } | { ok: false; problem: Problem }

/** Each item's price as JSON; a field that is not JSON is refused here, with its place. */
export function parsePrices(draft: ContractDraft, plan: Plan, products: Map<string, Product>): Priced {
  const prices: Record<string, unknown>[] = []
  for (const [i, it] of draft.items.entries()) {
    try {
      const parsed: unknown = JSON.parse(it.price)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
      prices.push(parsed as Record<string, unknown>)
    } catch {
      const name = products.get(plan.items[i]!.product_id)?.name ?? `item ${i + 1}`
      return {
        ok: false,
        problem: {
          message: `The price of ${name} is not a JSON object such as {"model": "flat", "currency": "USD", "amount": "100.00"}.`,
          code: 'invalid_json',
          issues: [{ message: `items[${i}].price: not a JSON object`, code: 'invalid_json' }],
        },
      }
    }
  }
  return { ok: true, prices }
}

/** What differs from the plan, in the API's override shape. */
export function overridesOf(draft: ContractDraft, plan: Plan, prices: Record<string, unknown>[]) {
  return plan.items.flatMap((it, i) => {
    const d = draft.items[i]!
    const o = {
      ...(canonical(prices[i]) === canonical(it.price) ? {} : { price: prices[i] }),
      ...(d.billing === it.billing ? {} : { billing: d.billing }),
      ...(d.quantity === '' || d.quantity === (it.quantity ?? '') ? {} : { quantity: d.quantity }),
    }
    return Object.keys(o).length === 0 ? [] : [{ product_id: it.product_id, ...o }]
  })
}

/** One period at the form's quantities: metered items at the usage typed, the others at their quantity. */
export function previewInvoice({
  draft,
  plan,
  prices,
  products,
}: {
  draft: ContractDraft
  plan: Plan
  prices: Record<string, unknown>[]
  products: Map<string, Product>
}) {
  return {
    currency: plan.currency,
    // The invoice date (credit expiry): the contract's first day.
    as_of: draft.start_date,
    lines: plan.items.map((it, i) => {
      const product = products.get(it.product_id)
      const d = draft.items[i]!
      const quantity = product?.kind === 'metered' ? d.preview_quantity || '0' : d.quantity || it.quantity || product?.default_quantity || '1'
      return { id: `item-${i}`, ...(product === undefined ? {} : { product: product.name }), price: prices[i], quantity }
    }),
  }
}
