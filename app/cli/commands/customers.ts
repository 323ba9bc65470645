import type { Command } from '../command.ts'
import { required } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface CustomerView {
  external_id: string
  name: string
  email: string | null
  currency: string
  time_zone: string
}

/** Tax and address flags of create and update (ledger/tax/README.md). */
const taxOptions = {
  'tax-rate': { type: 'string' },
  'tax-id': { type: 'string' },
  'reverse-charge': { type: 'string' },
  'address-line1': { type: 'string' },
  'address-city': { type: 'string' },
  'address-postal-code': { type: 'string' },
  'address-country': { type: 'string' },
} as const
const TAX_USAGE =
  '[--tax-rate RATE_ID|none] [--tax-id VAT_NUMBER] [--reverse-charge true|false] [--address-line1 L] [--address-city C] [--address-postal-code P] [--address-country GB]'

function taxBody(values: Record<string, unknown>): Record<string, unknown> {
  const text = (flag: keyof typeof taxOptions) => (typeof values[flag] === 'string' ? values[flag] : undefined)
  const address = Object.fromEntries(
    (
      [
        ['line1', text('address-line1')],
        ['city', text('address-city')],
        ['postal_code', text('address-postal-code')],
        ['country', text('address-country')],
      ] as const
    ).filter(([, v]) => v !== undefined),
  )
  const rate = text('tax-rate')
  const reverse = text('reverse-charge')
  return {
    ...(rate === undefined ? {} : { tax_rate: rate === 'none' ? null : rate }),
    ...(text('tax-id') === undefined ? {} : { tax_id: text('tax-id') }),
    // Neither true nor false goes as given, for the API to refuse naming reverse_charge.
    ...(reverse === undefined ? {} : { reverse_charge: ({ true: true, false: false } as Record<string, boolean>)[reverse] ?? reverse }),
    ...(Object.keys(address).length === 0 ? {} : { address }),
  }
}

export const customersCreateCommand: Command = {
  path: ['customers', 'create'],
  summary: 'Create a customer (its id is the customer_id events carry)',
  usage: `--org ORG_ID --id CUSTOMER_ID --name NAME [--email E] [--currency USD] [--time-zone UTC] [--billing-entity ENTITY_ID] ${TAX_USAGE}`,
  example: 'tally customers create --org $ORG --id acme --name "Acme Corp" --currency USD',
  options: {
    org: { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    currency: { type: 'string' },
    'time-zone': { type: 'string' },
    'billing-entity': { type: 'string' },
    ...taxOptions,
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const body = {
      external_id: required(ctx, 'id'),
      name: required(ctx, 'name'),
      ...(ctx.values.email ? { email: ctx.values.email } : {}),
      ...(ctx.values.currency ? { currency: ctx.values.currency } : {}),
      ...(ctx.values['time-zone'] ? { time_zone: ctx.values['time-zone'] } : {}),
      ...(ctx.values['billing-entity'] ? { billing_entity: ctx.values['billing-entity'] } : {}),
      ...taxBody(ctx.values),
    }
    const c = await withApi(ctx, (api) => api.call<CustomerView>('POST', '/v1/customers', { org, body }))
    ctx.out(`Created customer ${c.external_id} (${c.name}, ${c.currency}, ${c.time_zone}).`)
  },
}

export const customersUpdateCommand: Command = {
  path: ['customers', 'update'],
  summary:
    'Change a customer: name, e-mail, tax rate, tax id, reverse charge and address (for invoices finalized afterwards), currency and billing entity (before its first invoice), time zone (for contracts created afterwards)',
  usage: `--org ORG_ID --id CUSTOMER_ID [--name NAME] [--email E] [--currency EUR] [--time-zone Europe/Paris] [--billing-entity ENTITY_ID] ${TAX_USAGE}`,
  example: 'tally customers update --org $ORG --id acme --email billing@acme.example --time-zone Europe/Paris',
  options: {
    org: { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    currency: { type: 'string' },
    'time-zone': { type: 'string' },
    'billing-entity': { type: 'string' },
    ...taxOptions,
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const id = required(ctx, 'id')
    const body = {
      ...(ctx.values.name ? { name: ctx.values.name } : {}),
      ...(ctx.values.email ? { email: ctx.values.email } : {}),
      ...(ctx.values.currency ? { currency: ctx.values.currency } : {}),
      ...(ctx.values['time-zone'] ? { time_zone: ctx.values['time-zone'] } : {}),
      ...(ctx.values['billing-entity'] ? { billing_entity: ctx.values['billing-entity'] } : {}),
      ...taxBody(ctx.values),
    }
    const c = await withApi(ctx, (api) => api.call<CustomerView>('PATCH', `/v1/customers/${encodeURIComponent(id)}`, { org, body }))
    ctx.out(`Updated customer ${c.external_id} (${c.name}, ${c.email ?? 'no e-mail'}, ${c.currency}, ${c.time_zone}).`)
  },
}

export const customersListCommand: Command = {
  path: ['customers', 'list'],
  summary: "List an organisation's customers",
  usage: '--org ORG_ID',
  example: 'tally customers list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<{ data: CustomerView[] }>('GET', '/v1/customers?limit=1000', { org }))
    ctx.out(table(res.data, ['external_id', 'name', 'email', 'currency', 'time_zone']))
  },
}

export const customersUnmatchedCommand: Command = {
  path: ['customers', 'unmatched'],
  summary: 'List customer ids with usage but no customer record (create them to bill that usage)',
  usage: '--org ORG_ID',
  example: 'tally customers unmatched --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) =>
      api.call<{ customers: Array<{ customer_id: string; events: string; raw_metrics: string[]; first_hour: string; last_hour: string }> }>(
        'GET',
        '/v1/usage/unmatched',
        { org },
      ),
    )
    ctx.out(
      table(
        res.customers.map((c) => ({ ...c, raw_metrics: c.raw_metrics.join(',') })),
        ['customer_id', 'events', 'raw_metrics', 'first_hour', 'last_hour'],
      ),
    )
  },
}
