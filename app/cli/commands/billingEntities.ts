// `tally billing-entities add|list`: the legal entities an organisation invoices from, each
// numbering its invoices and credit notes on its own, over POST/GET /v1/billing-entities.
import type { Command } from '../command.ts'
import { required } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface BillingEntityView {
  id: string
  name: string
  legal_details: string | null
  invoice_prefix: string | null
  credit_note_prefix: string | null
  created_at: string
}

export const billingEntitiesAddCommand: Command = {
  path: ['billing-entities', 'add'],
  summary: 'Declare a legal entity the organisation invoices from, with its own gap-free numbering and prefixes',
  usage: '--org ORG_ID --name NAME [--legal-details TEXT] [--invoice-prefix P] [--credit-note-prefix P]   (P: up to 15 of A-Z a-z 0-9 . _ / # -)',
  example: 'tally billing-entities add --org $ORG --name "Acme GmbH" --invoice-prefix ACME-2026- --credit-note-prefix ACME-CN-',
  options: {
    org: { type: 'string' },
    name: { type: 'string' },
    'legal-details': { type: 'string' },
    'invoice-prefix': { type: 'string' },
    'credit-note-prefix': { type: 'string' },
  },
  async run(ctx) {
    const org = required(ctx, 'org')
    const body = {
      name: required(ctx, 'name'),
      ...(ctx.values['legal-details'] ? { legal_details: ctx.values['legal-details'] } : {}),
      ...(ctx.values['invoice-prefix'] ? { invoice_prefix: ctx.values['invoice-prefix'] } : {}),
      ...(ctx.values['credit-note-prefix'] ? { credit_note_prefix: ctx.values['credit-note-prefix'] } : {}),
    }
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
    ctx.out(table(res.data, ['id', 'name', 'invoice_prefix', 'credit_note_prefix', 'created_at']))
  },
}
