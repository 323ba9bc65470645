// `tally price preview --price price.json --quantity 1234` (or `--quantities file.json`; with
// `--billed-quantity 900`, only what the quantity adds on top of 900 already billed):
// reads the files, rates them with the same code as POST /v1/pricing/preview and prints a
// breakdown table and the total. Errors are the same TallyErrors the API answers with.
import { readFile } from 'node:fs/promises'
import { ValidationError } from '../../platform/errors.ts'
import { previewPrice } from '../../rating/compute/ratePrice.ts'
import type { PriceResult } from '../../rating/compute/lines.ts'
import { table } from './output.ts'

export interface PricePreviewArgs {
  /** Path to a JSON price definition, or to a full preview request ({ price, quantity… }). */
  price: string
  quantity?: string
  /** Path to a JSON array of { dimensions, quantity } (or { transactions: [...] } for percent). */
  quantities?: string
  /** Quantity already billed in the period: only what `quantity` adds on top is priced. */
  billedQuantity?: string
}

/** Reads a JSON file named by `--flag`; an unreadable or malformed file is a 400 naming the flag. */
export async function readJson(path: string, flag: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new ValidationError('file_unreadable', `--${flag} ${path}: ${(err as Error).message}`, [
      { field: flag, code: 'file_unreadable', message: (err as Error).message },
    ])
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ValidationError('invalid_json', `--${flag} ${path} is not valid JSON: ${(err as Error).message}`, [
      { field: flag, code: 'invalid_json', message: (err as Error).message },
    ])
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Builds the preview request from the files and flags. */
export async function previewRequest(args: PricePreviewArgs): Promise<Record<string, unknown>> {
  const priceFile = await readJson(args.price, 'price')
  // A file holding a whole request ({ price, quantity }) is accepted as is.
  const request: Record<string, unknown> = isRecord(priceFile) && 'price' in priceFile ? { ...priceFile } : { price: priceFile }
  if (args.quantity !== undefined) request.quantity = args.quantity
  if (args.billedQuantity !== undefined) request.billed_quantity = args.billedQuantity
  if (args.quantities !== undefined) {
    const q = await readJson(args.quantities, 'quantities')
    if (isRecord(q) && 'transactions' in q) request.transactions = q.transactions
    else request.quantities = q
  }
  return request
}

/** Renders a result as the CLI's table: one row per line, then the total below a rule. */
export function renderResult(result: PriceResult): string[] {
  const rows = result.lines.map((l) => ({
    description: l.description,
    quantity: l.quantity,
    unit_price: l.unit_price ?? '',
    tier: l.tier ?? '',
    amount: l.amount,
  }))
  const out = table(rows, ['description', 'quantity', 'unit_price', 'tier', 'amount'], {
    right: ['quantity', 'unit_price', 'tier', 'amount'],
    footer: { description: 'Total', amount: `${result.amount} ${result.currency}` },
  }).split('\n')
  const a = result.applied
  const notes = [a.free_units !== '0' ? `free units ${a.free_units}` : '', !/^0(\.0+)?$/.test(a.minimum) ? `minimum top-up ${a.minimum}` : ''].filter(
    (s) => s !== '',
  )
  if (notes.length > 0) out.push(`Applied: ${notes.join(', ')}`)
  return out
}

export async function pricePreview(args: PricePreviewArgs, out: (line: string) => void): Promise<void> {
  const result = previewPrice(await previewRequest(args))
  for (const line of renderResult(result)) out(line)
}
