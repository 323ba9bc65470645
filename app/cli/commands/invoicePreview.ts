import type { Command } from '../command.ts'
import { required } from '../command.ts'
import { invoicePreviewBody, renderInvoicePreview, type InvoicePreviewAnswer } from '../invoicePreview.ts'
import { withApi } from './withApi.ts'

const text = (v: unknown) => (typeof v === 'string' ? v : undefined)

export const invoicesPreviewCommand: Command = {
  path: ['invoices', 'preview'],
  summary: "Preview a contract's invoice from real usage, or an inline invoice definition, without writing anything (POST /v1/invoices/preview)",
  usage: '--org ORG_ID (--contract ID [--billing-date YYYY-MM-DD | --as-of INSTANT] | --file invoice.json)',
  example: 'tally invoices preview --org $ORG --contract $CONTRACT',
  options: { org: { type: 'string' }, contract: { type: 'string' }, 'billing-date': { type: 'string' }, 'as-of': { type: 'string' }, file: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const args = {
      contract: text(ctx.values.contract),
      billingDate: text(ctx.values['billing-date']),
      asOf: text(ctx.values['as-of']),
      file: text(ctx.values.file),
    }
    const body = await invoicePreviewBody(Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)))
    const answer = await withApi(ctx, (api) => api.call<InvoicePreviewAnswer>('POST', '/v1/invoices/preview', { org, body }))
    for (const line of renderInvoicePreview(answer)) ctx.out(line)
  },
}
