// `tally charges add|list`: a customer's one-off charges over /v1/customers/:id/charges
// (rating/http/chargeRoutes.ts). Amounts stay strings from the command line to the ledger.
import type { Command } from '../command.ts'
import { required } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface ChargeView {
  id: string
  contract_id: string
  description: string
  quantity: string
  unit_amount: string
  amount: string
  currency: string
  charge_date: string
  idempotency_key: string
  invoice: { number: number | null; status: string } | null
}

const FLAGS = {
  contract: 'contract_id',
  description: 'description',
  amount: 'amount',
  product: 'product_id',
  quantity: 'quantity',
  'unit-amount': 'unit_amount',
}

export const chargesAddCommand: Command = {
  path: ['charges', 'add'],
  summary:
    "Add a one-off charge billed once on the contract's next invoice (or at once on an invoice of its own: --invoice-now): --amount, or --product with --quantity and --unit-amount",
  usage:
    '--org ORG_ID --customer EXTERNAL_ID --key IDEMPOTENCY_KEY (--amount AMOUNT | --product ID --quantity N --unit-amount AMOUNT) [--description TEXT] [--contract ID] [--invoice-now]',
  example: 'tally charges add --org $ORG --customer acme --key onboarding-acme --amount 250.00 --description Onboarding',
  options: {
    ...Object.fromEntries(['org', 'customer', 'key', ...Object.keys(FLAGS)].map((f) => [f, { type: 'string' as const }])),
    'invoice-now': { type: 'boolean' },
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const customer = required(ctx, 'customer')
    const body: Record<string, string | boolean> = { idempotency_key: required(ctx, 'key') }
    if (ctx.values['invoice-now'] === true) body.invoice_now = true
    for (const [flag, field] of Object.entries(FLAGS)) {
      const value = ctx.values[flag]
      if (typeof value === 'string' && value !== '') body[field] = value
    }
    const c = await withApi(ctx, (api) => api.call<ChargeView>('POST', `/v1/customers/${encodeURIComponent(customer)}/charges`, { org, body }))
    const billed = c.invoice ? `billed on invoice ${c.invoice.number} (${c.invoice.status})` : `billed on contract ${c.contract_id}'s next invoice`
    ctx.out(`Charge ${c.id}: ${c.description}, ${c.quantity} × ${c.unit_amount} = ${c.amount} ${c.currency}, charged ${c.charge_date}, ${billed}`)
  },
}

export const chargesListCommand: Command = {
  path: ['charges', 'list'],
  summary: "A customer's one-off charges, oldest first",
  usage: '--org ORG_ID --customer EXTERNAL_ID',
  example: 'tally charges list --org $ORG --customer acme',
  options: { org: { type: 'string' }, customer: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const customer = required(ctx, 'customer')
    const res = await withApi(ctx, (api) => api.call<{ data: ChargeView[] }>('GET', `/v1/customers/${encodeURIComponent(customer)}/charges`, { org }))
    const rows = res.data.map((c) => ({ ...c, amount: `${c.amount} ${c.currency}`, key: c.idempotency_key }))
    ctx.out(table(rows, ['id', 'charge_date', 'description', 'quantity', 'unit_amount', 'amount', 'key']))
  },
}
