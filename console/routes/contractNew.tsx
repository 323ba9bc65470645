// A new contract from a plan with overrides: GET shows the form filled from the plan; POST either
// previews one period's pricing (POST /v1/invoices/preview with an inline invoice built from the
// form: nothing is written) or creates the contract (POST /v1/contracts; what differs from the
// plan is sent as overrides, which the contract records).
import { CADENCES, NewContractPage, type ContractDraft, type InlinePreview } from '../pages/contractNew.tsx'
import type { Contract } from '../pages/contracts.tsx'
import type { Plan, Product } from '../pages/catalogue.tsx'
import {
  page,
  problem,
  refusalStatus,
  seg,
  signedInProps,
  str,
  type ConsoleContext,
  type ConsoleRouter,
  type PageStatus,
  type Problem,
  type RouteKit,
} from '../routeKit.tsx'

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

function draftFromForm(form: Record<string, string>, plan: Plan): ContractDraft {
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
function parsePrices(draft: ContractDraft, plan: Plan, products: Map<string, Product>): Priced {
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
function overridesOf(draft: ContractDraft, plan: Plan, prices: Record<string, unknown>[]) {
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
function previewInvoice(draft: ContractDraft, plan: Plan, prices: Record<string, unknown>[], products: Map<string, Product>) {
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

export function registerNewContractRoutes(app: ConsoleRouter, kit: RouteKit): void {
  const context = async (c: ConsoleContext, planId: string) => {
    const [plans, products] = await Promise.all([kit.call<{ data: Plan[] }>(c, 'GET', '/v1/plans'), kit.call<{ data: Product[] }>(c, 'GET', '/v1/products')])
    const all = plans.ok ? plans.body.data : []
    return { plans: all, plan: all.find((x) => x.id === planId) ?? all[0], products: new Map((products.ok ? products.body.data : []).map((x) => [x.id, x])) }
  }

  app.get('/contracts/new', async (c) => {
    const ctx = await context(c, c.req.query('plan') ?? '')
    const draft = draftFromPlan(ctx.plan, { customer: c.req.query('customer') ?? '', today: kit.now().toISOString().slice(0, 10) })
    return page(c, <NewContractPage {...signedInProps(c)} {...ctx} draft={draft} />)
  })

  app.post('/contracts/new', async (c) => {
    const form = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, str(v)]))
    const ctx = await context(c, form.plan ?? '')
    if (ctx.plan === undefined || ctx.plan.id !== form.plan)
      return kit.notFound(c, { message: 'This plan does not exist in your organisation.', code: 'plan_not_found' })
    const plan = ctx.plan
    const draft = draftFromForm(form, plan)
    const again = (extra: { preview?: InlinePreview; error?: Problem }, status: PageStatus = 200) =>
      page(c, <NewContractPage {...signedInProps(c)} {...ctx} plan={plan} draft={draft} {...extra} />, status)
    const priced = parsePrices(draft, plan, ctx.products)
    if (!priced.ok) return again({ error: priced.problem }, 400)

    if (form.intent === 'preview') {
      const preview = await kit.call<InlinePreview>(c, 'POST', '/v1/invoices/preview', { invoice: previewInvoice(draft, plan, priced.prices, ctx.products) })
      return preview.ok ? again({ preview: preview.body }) : again({ error: problem(preview.error) }, refusalStatus(preview.status))
    }
    const overrides = overridesOf(draft, plan, priced.prices)
    const created = await kit.call<Contract>(c, 'POST', '/v1/contracts', {
      customer: draft.customer,
      plan: plan.id,
      start_date: draft.start_date,
      cadence: draft.cadence,
      ...(draft.name === '' ? {} : { name: draft.name }),
      ...(overrides.length === 0 ? {} : { overrides }),
    })
    if (!created.ok) return again({ error: problem(created.error) }, refusalStatus(created.status))
    return c.redirect(`/console/contracts/${seg(created.body.id)}?created=1`, 303)
  })
}
