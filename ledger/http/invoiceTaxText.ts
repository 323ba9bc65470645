// The tax part of every rendering of an invoice (HTML, PDF): the customer's address and tax id
// under "Bill to", the totals with one line per tax rate, and the reverse-charge note. Plain
// text; each rendering escapes or encodes it for its own output.
import type { Customer } from '../customers.ts'
import type { Invoice } from '../invoices.ts'
import { REVERSE_CHARGE_NOTE } from '../tax/compute/lineTaxes.ts'
import type { InvoiceTaxes } from '../tax/invoiceTaxes.ts'

/** The address, one item a line ("N1 9GU London", "GB"), then "Tax ID GB123456789". */
export function customerDetailLines(c: Pick<Customer, 'address' | 'taxId'>): string[] {
  const a = c.address ?? {}
  const place = [a.postal_code, a.city].filter(Boolean).join(' ')
  const lines = [a.line1, a.line2, place, a.region, a.country].filter((l): l is string => typeof l === 'string' && l.trim() !== '')
  return c.taxId ? [...lines, `Tax ID ${c.taxId}`] : lines
}

/**
 * The totals' rows [label, amount, strong]: without tax lines, "Total" alone as before; with them,
 * "Subtotal", one row per rate ("UK VAT 20% (20% on 99.99)", "… incl." for inclusive rates), "Total".
 */
export function totalRows(invoice: Pick<Invoice, 'total'>, taxes: InvoiceTaxes | null | undefined): [string, string, boolean][] {
  if (!taxes || taxes.taxLines.length === 0) return [['Total', invoice.total, true]]
  return [
    ['Subtotal', taxes.subtotal, false],
    ...taxes.taxLines.map((t): [string, string, boolean] => [
      `${t.reverseCharge ? REVERSE_CHARGE_NOTE : t.rate.name} (${t.rate.percentage}%${t.rate.inclusive ? ' included' : ''} on ${t.base})`,
      t.amount,
      false,
    ]),
    ['Total', taxes.total, true],
  ]
}

/** "Reverse charge: …" when a line is reverse-charged, else null. */
export function taxNote(taxes: InvoiceTaxes | null | undefined, customer: Pick<Customer, 'taxId'>): string | null {
  if (!taxes?.taxLines.some((t) => t.reverseCharge)) return null
  return `${REVERSE_CHARGE_NOTE}: the customer${customer.taxId ? ` (${customer.taxId})` : ''} accounts for the tax on this invoice.`
}
