// `tally tax-rates add|list|archive|product`: manual tax rates over /v1/tax-rates (ledger/tax/README.md),
// and a product's own rate. A customer's default rate, tax id and reverse charge are flags of
// `tally customers create|update`.
import type { Command } from '../command.ts'
import { required, requiredArgument } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'
import type { TaxRateJson } from '../../../ledger/http/taxRateSchemas.ts'

export const taxRatesAddCommand: Command = {
  path: ['tax-rates', 'add'],
  summary: 'Declare a tax rate (never changed afterwards: archive it and declare another)',
  usage: '--org ORG_ID --name NAME --percentage 20 [--type exclusive|inclusive] [--jurisdiction GB] [--description TEXT]   (type: default exclusive)',
  example: 'tally tax-rates add --org $ORG --name "UK VAT 20%" --percentage 20 --jurisdiction GB',
  options: {
    org: { type: 'string' },
    name: { type: 'string' },
    percentage: { type: 'string' },
    type: { type: 'string' },
    jurisdiction: { type: 'string' },
    description: { type: 'string' },
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const body = {
      name: required(ctx, 'name'),
      percentage: required(ctx, 'percentage'),
      type: typeof ctx.values.type === 'string' ? ctx.values.type : 'exclusive',
      ...(typeof ctx.values.jurisdiction === 'string' ? { jurisdiction: ctx.values.jurisdiction } : {}),
      ...(typeof ctx.values.description === 'string' ? { description: ctx.values.description } : {}),
    }
    const r = await withApi(ctx, (api) => api.call<TaxRateJson>('POST', '/v1/tax-rates', { org, body }))
    ctx.out(`Declared tax rate ${r.name} (${r.percentage}% ${r.type}, ${r.id}); give it to customers with --tax-rate ${r.id}.`)
  },
}

export const taxRatesListCommand: Command = {
  path: ['tax-rates', 'list'],
  summary: "List an organisation's tax rates (--archived true: archived ones too)",
  usage: '--org ORG_ID [--archived true]',
  example: 'tally tax-rates list --org $ORG',
  options: { org: { type: 'string' }, archived: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const query = ctx.values.archived === 'true' ? '?archived=true' : ''
    const res = await withApi(ctx, (api) => api.call<{ data: TaxRateJson[] }>('GET', `/v1/tax-rates${query}`, { org }))
    ctx.out(table(res.data, ['id', 'name', 'percentage', 'type', 'jurisdiction', 'archived_at']))
  },
}

export const taxRatesArchiveCommand: Command = {
  path: ['tax-rates', 'archive'],
  summary: 'Archive a tax rate no customer or product names any more; issued invoices keep it',
  usage: 'TAX_RATE_ID --org ORG_ID',
  example: 'tally tax-rates archive $RATE --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const id = requiredArgument(ctx, 'give the id: tally tax-rates archive TAX_RATE_ID --org ORG_ID')
    const org = required(ctx, 'org')
    const r = await withApi(ctx, (api) => api.call<TaxRateJson>('POST', `/v1/tax-rates/${encodeURIComponent(id)}/archive`, { org }))
    ctx.out(`Archived tax rate ${r.name} (${r.id}) at ${r.archived_at}.`)
  },
}

export const taxRatesProductCommand: Command = {
  path: ['tax-rates', 'product'],
  summary: "Give a product its own tax rate, which wins over the customer's (--tax-rate none removes it)",
  usage: 'PRODUCT_ID --org ORG_ID --tax-rate TAX_RATE_ID|none',
  example: 'tally tax-rates product $BOOKS --org $ORG --tax-rate $ZERO_RATED',
  options: { org: { type: 'string' }, 'tax-rate': { type: 'string' } },
  async run(ctx) {
    const id = requiredArgument(ctx, 'give the product id: tally tax-rates product PRODUCT_ID --org ORG_ID --tax-rate TAX_RATE_ID')
    const org = required(ctx, 'org')
    const rate = required(ctx, 'tax-rate')
    const body = { tax_rate: rate === 'none' ? null : rate }
    await withApi(ctx, (api) => api.call('PUT', `/v1/products/${encodeURIComponent(id)}/tax-rate`, { org, body }))
    ctx.out(rate === 'none' ? `Product ${id} is taxed at its customers' rates.` : `Product ${id} is taxed at ${rate}.`)
  },
}
