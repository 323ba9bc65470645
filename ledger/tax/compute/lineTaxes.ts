// The tax of an invoice's lines, pure (ledger/tax/README.md "Rounding" has the worked examples).
//
// - Which rate: the line's product's rate when it has one (a zero-rated product), else the
//   customer's rate (its default, else its address country's: invoiceTaxes.ts), else none (the
//   line is not taxed). A reverse-charge customer's taxed
//   lines are taxed at 0 % with the note "Reverse charge", whatever the rate.
// - What is taxed: every line but payments by credit (lines posted to customer credits: `credit`,
//   `prepaid_drawdown`, `prepayment`). Discounts, maximum spend and amounts billed elsewhere are
//   negative lines, so tax is on the net amount.
// - Rounding: per line, to the currency's minor unit, half away from zero (Tally's half_up).
//   Exclusive: tax = amount × p / 100, base = amount. Inclusive: tax = amount × p / (100 + p),
//   base = amount − tax. A credit note or a journal can then take each line's tax as it is.
import { Dec } from '../../../platform/decimal.ts'
import { planLine, type InvoiceLineForPosting } from '../../accounting/compute/lineAccounts.ts'

export interface TaxRateTerms {
  id: string | null
  name: string
  /** Percent as decimal text: "20", "8.5". */
  percentage: string
  inclusive: boolean
  jurisdiction: string | null
}

export interface TaxSettings {
  /** The customer's rate: its default, else the live rate of its address's country. */
  customerRate: TaxRateTerms | null
  /** Product id → its own rate. */
  productRates: ReadonlyMap<string, TaxRateTerms>
  reverseCharge: boolean
}

export type LineToTax = Pick<InvoiceLineForPosting, 'id' | 'kind' | 'amount' | 'productId' | 'timing' | 'description' | 'metered' | 'periodStart' | 'periodEnd'>

export interface LineTax {
  lineId: string
  rate: TaxRateTerms
  reverseCharge: boolean
  /** The line without its tax. */
  base: string
  amount: string
}

/** One tax line of the invoice: the lines' taxes of one rate, summed. */
export interface TaxLine {
  rate: TaxRateTerms
  reverseCharge: boolean
  base: string
  amount: string
}

export const REVERSE_CHARGE_NOTE = 'Reverse charge'

/** Each taxed line's tax, in the lines' order; untaxed lines have none. */
export function lineTaxes(lines: readonly LineToTax[], settings: TaxSettings, minorUnits: number): LineTax[] {
  const out: LineTax[] = []
  for (const line of lines) {
    if (planLine({ ...line }).role === 'customer_credits') continue
    const rate = (line.productId !== null ? settings.productRates.get(line.productId) : undefined) ?? settings.customerRate
    if (rate === null) continue
    const amount = new Dec(line.amount)
    if (amount.isZero()) continue
    if (settings.reverseCharge) {
      out.push({
        lineId: line.id,
        rate: { ...rate, percentage: '0', inclusive: false },
        reverseCharge: true,
        base: amount.toFixed(minorUnits),
        amount: new Dec(0).toFixed(minorUnits),
      })
      continue
    }
    const p = new Dec(rate.percentage)
    const tax = (rate.inclusive ? amount.times(p).dividedBy(p.plus(100)) : amount.times(p).dividedBy(100)).toDecimalPlaces(minorUnits, Dec.ROUND_HALF_UP)
    const base = rate.inclusive ? amount.minus(tax) : amount
    out.push({ lineId: line.id, rate, reverseCharge: false, base: base.toFixed(minorUnits), amount: plain(tax, minorUnits) })
  }
  return out
}

/** The invoice's tax lines: one per rate (and reverse charge), in the order rates first appear. */
export function taxLinesOf(taxes: readonly LineTax[], minorUnits: number): TaxLine[] {
  const groups = new Map<string, { rate: TaxRateTerms; reverseCharge: boolean; base: Dec; amount: Dec }>()
  for (const t of taxes) {
    const key = JSON.stringify([t.rate.id, t.rate.name, t.rate.percentage, t.rate.inclusive, t.reverseCharge])
    const g = groups.get(key) ?? { rate: t.rate, reverseCharge: t.reverseCharge, base: new Dec(0), amount: new Dec(0) }
    g.base = g.base.plus(t.base)
    g.amount = g.amount.plus(t.amount)
    groups.set(key, g)
  }
  return [...groups.values()].map((g) => ({
    rate: g.rate,
    reverseCharge: g.reverseCharge,
    base: plain(g.base, minorUnits),
    amount: plain(g.amount, minorUnits),
  }))
}

/** What the taxes add to the lines: the exclusive ones (inclusive tax is already in the lines), and the tax in all. */
export function taxTotals(taxes: readonly Pick<LineTax, 'amount' | 'rate'>[], minorUnits: number): { exclusive: string; total: string } {
  let exclusive = new Dec(0)
  let total = new Dec(0)
  for (const t of taxes) {
    total = total.plus(t.amount)
    if (!t.rate.inclusive) exclusive = exclusive.plus(t.amount)
  }
  return { exclusive: plain(exclusive, minorUnits), total: plain(total, minorUnits) }
}

// NOTE: decimal.js keeps the sign of a negative zero ("-0.00"); a tax is never -0.
const plain = (d: Dec, minorUnits: number) => (d.isZero() ? new Dec(0) : d).toFixed(minorUnits)
