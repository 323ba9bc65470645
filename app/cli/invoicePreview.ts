// `tally invoices preview`: POST /v1/invoices/preview from the terminal. Either a contract's
// invoice from real usage (`--contract ID`, optionally `--billing-date` or `--as-of`; default the
// upcoming invoice) or an inline invoice definition (`--file invoice.json`, rateInvoice's input,
// docs/pricing.md "Invoice composition"). Prints the lines and the total; nothing is written.
import { UsageError } from './command.ts'
import { table } from './output.ts'
import { readJson } from './pricePreview.ts'

export interface InvoicePreviewArgs {
  contract?: string
  billingDate?: string
  asOf?: string
  /** Path to an inline invoice definition (JSON). */
  file?: string
}

/** The request body for the flags given: a contract preview or an inline one, never both. */
export async function invoicePreviewBody(args: InvoicePreviewArgs): Promise<Record<string, unknown>> {
  if ((args.contract === undefined) === (args.file === undefined)) throw new UsageError('give --contract ID or --file invoice.json')
  if (args.file !== undefined) {
    if (args.billingDate !== undefined || args.asOf !== undefined) throw new UsageError('--billing-date and --as-of apply to --contract only')
    return { invoice: await readJson(args.file, 'file') }
  }
  return {
    contract_id: args.contract,
    ...(args.billingDate === undefined ? {} : { billing_date: args.billingDate }),
    ...(args.asOf === undefined ? {} : { as_of: args.asOf }),
  }
}

interface PreviewLine {
  description: string
  quantity: string
  unit_price?: string | null
  amount: string
}

export type InvoicePreviewAnswer =
  | {
      mode: 'contract'
      contract_id: string
      billing_date: string
      currency: string
      total: string
      lines: PreviewLine[]
      existing_invoice: { id: string; status: string; total: string } | null
    }
  | { mode: 'inline'; currency: string; amount: string; lines: PreviewLine[] }

/** A heading, the lines as the CLI's table with the total below a rule, and what is already written. */
export function renderInvoicePreview(answer: InvoicePreviewAnswer): string[] {
  const total = answer.mode === 'contract' ? answer.total : answer.amount
  const rows = answer.lines.map((l) => ({ description: l.description, quantity: l.quantity, unit_price: l.unit_price ?? '', amount: l.amount }))
  const out = [
    answer.mode === 'contract'
      ? `Preview of contract ${answer.contract_id}'s invoice of ${answer.billing_date} (nothing written)`
      : 'Preview of an inline invoice (nothing written)',
    ...table(rows, ['description', 'quantity', 'unit_price', 'amount'], {
      right: ['quantity', 'unit_price', 'amount'],
      footer: { description: 'Total', amount: `${total} ${answer.currency}` },
    }).split('\n'),
  ]
  if (answer.mode === 'contract' && answer.existing_invoice !== null) {
    const e = answer.existing_invoice
    out.push(`Already written: invoice ${e.id} (${e.status}), total ${e.total} ${answer.currency}`)
  }
  return out
}
