// A new contract from a plan with overrides: GET shows the form filled from the plan; POST either
// previews one period's pricing (POST /v1/invoices/preview with an inline invoice built from the
// form: nothing is written) or creates the contract (POST /v1/contracts; what differs from the
// plan is sent as overrides, which the contract records).
import { draftFromForm, draftFromPlan, overridesOf, parsePrices, previewInvoice } from '../contractDraft.ts'
import { NewContractPage, type InlinePreview } from '../pages/contractNew.tsx'
import type { Contract } from '../pages/contracts.tsx'
import type { Plan } from '../pages/catalogue.tsx'
import { planProducts } from './planProducts.ts'
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

export function registerNewContractRoutes(app: ConsoleRouter, kit: RouteKit): void {
  const context = async (c: ConsoleContext, planId: string) => {
    // The plan chooser lists the first 1000 plans by name; a plan past them is read by its id.
    const plans = await kit.call<{ data: Plan[] }>(c, 'GET', '/v1/plans?limit=1000')
    const listed = plans.ok ? plans.body.data : []
    const chosen = listed.find((x) => x.id === planId)
    const named = chosen === undefined && planId !== '' ? await kit.call<Plan>(c, 'GET', `/v1/plans/${seg(planId)}`) : undefined
    const all = named?.ok === true ? [named.body, ...listed] : listed
    const plan = chosen ?? (named?.ok === true ? named.body : all[0])
    return { plans: all, plan, products: await planProducts(kit, c, plan) }
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
      const preview = await kit.call<InlinePreview>(c, 'POST', '/v1/invoices/preview', {
        invoice: previewInvoice({ draft, plan, prices: priced.prices, products: ctx.products }),
      })
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
