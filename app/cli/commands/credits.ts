// `tally credits grant|list|top-up|void|expire`: a customer's credit grants over
// /v1/customers/:id/credits and /v1/credits/… (ledger/http/creditRoutes.ts). Amounts stay
// strings from the command line to the ledger.
import type { Command, CommandContext } from '../command.ts'
import { required, requiredArgument } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface GrantView {
  id: string
  currency: string
  amount: string
  priority: number
  effective_date: string
  expiry_date: string | null
  status: string
  balance: string
  entries: { kind: string; amount: string; effective_date: string }[]
  draws: { billing_date: string; invoice_status: string; drawn: string; live: boolean }[]
}

/** The string flags given, as the request's snake_case fields. */
function given(ctx: CommandContext, flags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [flag, field] of Object.entries(flags)) {
    const value = ctx.values[flag]
    if (typeof value === 'string' && value !== '') out[field] = value
  }
  return out
}

const summary = (g: GrantView) =>
  `Credit ${g.id}: ${g.amount} ${g.currency} granted, ${g.status}, balance ${g.balance} ${g.currency}` +
  (g.expiry_date === null ? '' : `, drawable by invoices dated before ${g.expiry_date}`)

export const creditsGrantCommand: Command = {
  path: ['credits', 'grant'],
  summary: "Grant a customer a credit that rating runs draw (default currency: the customer's)",
  usage: '--org ORG_ID --customer EXTERNAL_ID --amount AMOUNT [--currency CODE] [--priority N] [--effective YYYY-MM-DD] [--expires YYYY-MM-DD] [--memo TEXT]',
  example: 'tally credits grant --org $ORG --customer acme --amount 100.00 --effective 2024-03-01 --expires 2025-03-01',
  options: {
    org: { type: 'string' },
    customer: { type: 'string' },
    amount: { type: 'string' },
    currency: { type: 'string' },
    priority: { type: 'string' },
    effective: { type: 'string' },
    expires: { type: 'string' },
    memo: { type: 'string' },
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const customer = required(ctx, 'customer')
    const body: Record<string, unknown> = {
      amount: required(ctx, 'amount'),
      ...given(ctx, { currency: 'currency', effective: 'effective_date', expires: 'expiry_date', memo: 'memo' }),
    }
    // A priority is a whole number; anything else is sent as given and refused by the API (400).
    if (typeof ctx.values.priority === 'string') body.priority = /^\d+$/.test(ctx.values.priority) ? Number(ctx.values.priority) : ctx.values.priority
    const g = await withApi(ctx, (api) => api.call<GrantView>('POST', `/v1/customers/${encodeURIComponent(customer)}/credits`, { org, body }))
    ctx.out(summary(g))
  },
}

export const creditsListCommand: Command = {
  path: ['credits', 'list'],
  summary: "A customer's credit grants with their balance, entries and draws",
  usage: '--org ORG_ID --customer EXTERNAL_ID',
  example: 'tally credits list --org $ORG --customer acme',
  options: { org: { type: 'string' }, customer: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const customer = required(ctx, 'customer')
    const res = await withApi(ctx, (api) => api.call<{ data: GrantView[] }>('GET', `/v1/customers/${encodeURIComponent(customer)}/credits`, { org }))
    const rows = res.data.map((g) => ({
      id: g.id,
      currency: g.currency,
      priority: String(g.priority),
      effective: g.effective_date,
      expires: g.expiry_date ?? '',
      status: g.status,
      entries: g.entries.map((e) => `${e.kind} ${e.amount}`).join(', '),
      draws: g.draws.map((d) => `${d.billing_date} ${d.drawn}${d.live ? '' : ' (void)'}`).join(', '),
      balance: g.balance,
    }))
    ctx.out(table(rows, ['id', 'currency', 'priority', 'effective', 'expires', 'status', 'entries', 'draws', 'balance']))
  },
}

export const creditsTopUpCommand: Command = {
  path: ['credits', 'top-up'],
  summary: 'Add to an active credit grant',
  usage: 'GRANT_ID --org ORG_ID --amount AMOUNT [--effective YYYY-MM-DD] [--memo TEXT]',
  example: 'tally credits top-up 6f1c… --org $ORG --amount 50.00',
  options: { org: { type: 'string' }, amount: { type: 'string' }, effective: { type: 'string' }, memo: { type: 'string' } },
  async run(ctx) {
    const id = requiredArgument(ctx, 'give the credit grant id: tally credits top-up GRANT_ID --org ORG_ID --amount AMOUNT')
    const org = required(ctx, 'org')
    const body = { amount: required(ctx, 'amount'), ...given(ctx, { effective: 'effective_date', memo: 'memo' }) }
    const g = await withApi(ctx, (api) => api.call<GrantView>('POST', `/v1/credits/${encodeURIComponent(id)}/top_up`, { org, body }))
    ctx.out(summary(g))
  },
}

export const creditsVoidCommand: Command = {
  path: ['credits', 'void'],
  summary: 'Void a credit grant: its balance is taken off and no invoice rated afterwards draws it',
  usage: 'GRANT_ID --org ORG_ID --reason TEXT',
  example: 'tally credits void 6f1c… --org $ORG --reason "granted in error"',
  options: { org: { type: 'string' }, reason: { type: 'string' } },
  async run(ctx) {
    const id = requiredArgument(ctx, 'give the credit grant id: tally credits void GRANT_ID --org ORG_ID --reason TEXT')
    const org = required(ctx, 'org')
    const g = await withApi(ctx, (api) =>
      api.call<GrantView>('POST', `/v1/credits/${encodeURIComponent(id)}/void`, { org, body: { reason: required(ctx, 'reason') } }),
    )
    ctx.out(summary(g))
  },
}

export const creditsExpireCommand: Command = {
  path: ['credits', 'expire'],
  summary: 'Expire the grants whose expiry date is on or before --as-of (default today): an expire entry records what lapsed',
  usage: '--org ORG_ID [--as-of YYYY-MM-DD]',
  example: 'tally credits expire --org $ORG --as-of 2024-06-01',
  options: { org: { type: 'string' }, 'as-of': { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<{ data: GrantView[] }>('POST', '/v1/credits/expire', { org, body: given(ctx, { 'as-of': 'as_of' }) }))
    ctx.out(res.data.length === 0 ? 'No grant expired.' : res.data.map((g) => `${summary(g)}; lapsed ${g.entries.at(-1)?.amount ?? '0'}`).join('\n'))
  },
}
