// `tally billing-entities add|list|update`: the legal entities an organisation invoices from,
// each numbering its invoices and credit notes on its own, over /v1/billing-entities.
import type { Command } from '../command.ts'
import { required, requiredArgument } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface BillingEntityView {
  id: string
  name: string
  legal_details: string | null
  invoice_prefix: string | null
  credit_note_prefix: string | null
  is_default: boolean
  created_at: string
}

const fields = {
  'legal-details': { type: 'string' },
  'invoice-prefix': { type: 'string' },
  'credit-note-prefix': { type: 'string' },
  default: { type: 'string' },
} as const

/** The given flags as the request's fields; `--default` is true or false. */
function changes(values: Record<string, unknown>): Record<string, string | boolean> {
  const text = (flag: keyof typeof fields) => (typeof values[flag] === 'string' ? values[flag] : undefined)
  const given = {
    legal_details: text('legal-details'),
    invoice_prefix: text('invoice-prefix'),
    credit_note_prefix: text('credit-note-prefix'),
    // Neither true nor false goes as given, for the API to refuse naming is_default.
    is_default: ({ true: true, false: false } as Record<string, boolean>)[text('default') ?? ''] ?? text('default'),
  }
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Record<string, string | boolean>
}

export const billingEntitiesAddCommand: Command = {
  path: ['billing-entities', 'add'],
  summary: 'Declare a legal entity the organisation invoices from, with its own gap-free numbering and prefixes',
  usage:
    '--org ORG_ID --name NAME [--legal-details TEXT] [--invoice-prefix P] [--credit-note-prefix P] [--default true]   (P: up to 15 of A-Z a-z 0-9 . _ / # -; default: customers created naming no entity get it)',
  example: 'tally billing-entities add --org $ORG --name "Acme GmbH" --invoice-prefix ACME-2026- --credit-note-prefix ACME-CN- --default true',
  options: { org: { type: 'string' }, name: { type: 'string' }, ...fields },
  async run(ctx) {
    const org = required(ctx, 'org')
    const body = { name: required(ctx, 'name'), ...changes(ctx.values) }
    const e = await withApi(ctx, (api) => api.call<BillingEntityView>('POST', '/v1/billing-entities', { org, body }))
    ctx.out(`Declared billing entity ${e.name} (${e.id}); give it to customers with --billing-entity ${e.id}.`)
  },
}

export const billingEntitiesListCommand: Command = {
  path: ['billing-entities', 'list'],
  summary: "List an organisation's billing entities",
  usage: '--org ORG_ID',
  example: 'tally billing-entities list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<{ data: BillingEntityView[] }>('GET', '/v1/billing-entities', { org }))
    const rows = res.data.map((e) => ({ ...e, default: e.is_default ? 'yes' : '' }))
    ctx.out(table(rows, ['id', 'name', 'invoice_prefix', 'credit_note_prefix', 'default', 'created_at']))
  },
}

export const billingEntitiesUpdateCommand: Command = {
  path: ['billing-entities', 'update'],
  summary: "Change an entity's name, legal details or prefixes, or make it the default; issued numbers keep theirs, the sequence goes on",
  usage: 'ENTITY_ID --org ORG_ID [--name NAME] [--legal-details TEXT] [--invoice-prefix P] [--credit-note-prefix P] [--default true|false]',
  example: 'tally billing-entities update $ENTITY --org $ORG --invoice-prefix ACME-2027- --default true',
  options: { org: { type: 'string' }, name: { type: 'string' }, ...fields },
  async run(ctx) {
    const id = requiredArgument(ctx, 'give the id: tally billing-entities update ENTITY_ID --org ORG_ID [--name NAME] …')
    const org = required(ctx, 'org')
    const body = { ...(typeof ctx.values.name === 'string' ? { name: ctx.values.name } : {}), ...changes(ctx.values) }
    const e = await withApi(ctx, (api) => api.call<BillingEntityView>('PATCH', `/v1/billing-entities/${encodeURIComponent(id)}`, { org, body }))
    ctx.out(
      `Billing entity ${e.name} (${e.id}): invoice prefix ${e.invoice_prefix ?? '(none)'}, credit-note prefix ${e.credit_note_prefix ?? '(none)'}${e.is_default ? ', the default' : ''}`,
    )
  },
}
