// Where an invoice's tax is decided and kept. Tax is fixed at finalization, like the issuer and
// the number: `fixTaxesIn` runs in the finalizing transaction while the invoices are still drafts,
// writes each taxed line's tax (`invoice_line_taxes`, then immutable) and gives the totals the
// finalizing update writes (`total` = lines + exclusive tax, `tax_total`). A draft's tax is a
// preview from the settings of the moment (`invoiceTaxes` on a draft), never stored.
import { asc, eq, inArray } from 'drizzle-orm'
import { Dec } from '../../platform/decimal.ts'
import { groupBy } from '../../platform/groupBy.ts'
import type { CurrencyTable } from '../../platform/currency.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { createCurrencyRepository } from '../currencies.ts'
import { chunks } from '../invoiceBulkWrites.ts'
import { customers, type CustomerAddress } from '../schema/customers.ts'
import { invoiceLines, type invoices } from '../schema/invoices.ts'
import { invoiceLineTaxes, productTaxRates, taxRates } from '../schema/taxRates.ts'
import { lineTaxes, taxLinesOf, taxTotals, type LineTax, type TaxLine, type TaxRateTerms, type TaxSettings } from './compute/lineTaxes.ts'

type InvoiceRow = typeof invoices.$inferSelect
type LineRow = typeof invoiceLines.$inferSelect

export interface InvoiceTaxes {
  /** Each taxed line's tax, by line id. */
  lines: LineTax[]
  /** Grouped by rate: what the invoice prints. */
  taxLines: TaxLine[]
  taxTotal: string
  /** The lines' sum (inclusive tax included, exclusive tax not). */
  subtotal: string
  /** What the customer owes: subtotal + exclusive tax. */
  total: string
  /** Whether it is stored (a finalized invoice) or a preview from today's settings (a draft). */
  fixed: boolean
}

const lineToTax = (r: LineRow) => ({ ...r, metered: r.metricName !== null })

/** Each customer's tax settings (its rate: its own, else its country's) and the organisation's product rates, read in `tx`. */
/** null when the organisation has no tax rate at all (nothing can be taxed: no further reads). */
async function settingsIn(tx: Database, orgId: string, customerIds: readonly string[]): Promise<Map<string, TaxSettings> | null> {
  const rows = await tx.select().from(taxRates).where(eq(taxRates.orgId, orgId))
  const rates = new Map(rows.map((r) => [r.id, terms(r)]))
  if (rates.size === 0 || customerIds.length === 0) return null
  // One live rate per jurisdiction (unique index, migration 0030): a country names at most one.
  const countryRates = new Map(rows.filter((r) => r.archivedAt === null && r.jurisdiction !== null).map((r) => [r.jurisdiction!, rates.get(r.id)!]))
  const productRates = new Map(
    (await tx.select().from(productTaxRates).where(eq(productTaxRates.orgId, orgId))).map((p) => [p.productId, rates.get(p.taxRateId)!]),
  )
  const owners = await tx
    .select({ id: customers.id, taxRateId: customers.taxRateId, reverseCharge: customers.reverseCharge, address: customers.address })
    .from(customers)
    .where(inArray(customers.id, [...new Set(customerIds)]))
  return new Map(owners.map((c) => [c.id, { customerRate: customerRate(c, rates, countryRates), productRates, reverseCharge: c.reverseCharge }]))
}

/** The customer's own default rate, else the live rate whose jurisdiction is its address's country (ISO 3166-1 alpha-2, any case), else none. */
function customerRate(
  c: { taxRateId: string | null; address: CustomerAddress | null },
  rates: ReadonlyMap<string, TaxRateTerms>,
  countryRates: ReadonlyMap<string, TaxRateTerms>,
): TaxRateTerms | null {
  if (c.taxRateId !== null) return rates.get(c.taxRateId) ?? null
  const country = c.address?.country?.trim().toUpperCase()
  return country ? (countryRates.get(country) ?? null) : null
}

function terms(r: typeof taxRates.$inferSelect): TaxRateTerms {
  return { id: r.id, name: r.name, percentage: new Dec(r.percentage).toFixed(), inclusive: r.inclusive, jurisdiction: r.jurisdiction }
}

function minorUnits(currencies: CurrencyTable, invoice: Pick<InvoiceRow, 'currency' | 'total'>): number {
  return currencies.minorUnits(invoice.currency) ?? scaleOf(invoice.total)
}

/** Digits after the point of a stored amount: the scale its currency gave it. */
function scaleOf(amount: string): number {
  return amount.split('.')[1]?.length ?? 0
}

function summary(lines: readonly LineRow[], taxes: LineTax[], units: number, fixed: boolean): InvoiceTaxes {
  const subtotal = lines.reduce((acc, l) => acc.plus(l.amount), new Dec(0))
  const totals = taxTotals(taxes, units)
  return {
    lines: taxes,
    taxLines: taxLinesOf(taxes, units),
    taxTotal: totals.total,
    subtotal: subtotal.toFixed(units),
    total: subtotal.plus(totals.exclusive).toFixed(units),
    fixed,
  }
}

/**
 * Drafts about to be finalized (one organisation each, any number): each taxed line's tax written,
 * and per invoice the `total` and `tax_total` the finalizing update sets.
 */
export async function fixTaxesIn(tx: Database, rows: readonly InvoiceRow[]): Promise<Map<string, { total: string; taxTotal: string }>> {
  const out = new Map<string, { total: string; taxTotal: string }>()
  for (const [orgId, list] of groupBy(rows, (r) => r.orgId)) {
    const settings = await settingsIn(
      tx,
      orgId,
      list.map((r) => r.customerId),
    )
    // An organisation without tax rates (most rating chunks) pays one query: totals stay the lines'.
    if (settings === null) {
      // Zero at the scale of the invoice's amounts (its currency's minor units), as a taxed invoice's.
      for (const invoice of list) out.set(invoice.id, { total: invoice.total, taxTotal: new Dec(0).toFixed(scaleOf(invoice.total)) })
      continue
    }
    const currencies = await createCurrencyRepository(tx).table(orgId)
    const lines: LineRow[] = []
    for (const part of chunks(list.map((r) => r.id)))
      lines.push(...(await tx.select().from(invoiceLines).where(inArray(invoiceLines.invoiceId, part)).orderBy(asc(invoiceLines.position))))
    const linesOf = groupBy(lines, (l) => l.invoiceId)
    const written: (typeof invoiceLineTaxes.$inferInsert)[] = []
    for (const invoice of list) {
      const own = linesOf.get(invoice.id) ?? []
      const units = minorUnits(currencies, invoice)
      const taxes = lineTaxes(own.map(lineToTax), settings.get(invoice.customerId)!, units)
      taxes.forEach((t, position) =>
        written.push({ invoiceId: invoice.id, invoiceLineId: t.lineId, position, taxRateId: t.rate.id, ...rateColumns(t), base: t.base, amount: t.amount }),
      )
      const s = summary(own, taxes, units, true)
      out.set(invoice.id, { total: s.total, taxTotal: s.taxTotal })
    }
    for (let i = 0; i < written.length; i += 1000) await tx.insert(invoiceLineTaxes).values(written.slice(i, i + 1000))
  }
  return out
}

const rateColumns = (t: LineTax) => ({
  name: t.rate.name,
  percentage: t.rate.percentage,
  inclusive: t.rate.inclusive,
  jurisdiction: t.rate.jurisdiction,
  reverseCharge: t.reverseCharge,
})

/** A finalized invoice's stored taxes (as fixed at finalization); a draft's preview from the settings of the moment. */
export async function invoiceTaxes(db: Database, invoice: InvoiceRow): Promise<InvoiceTaxes> {
  const lines = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id)).orderBy(asc(invoiceLines.position))
  const units = minorUnits(await createCurrencyRepository(db).table(invoice.orgId), invoice)
  if (invoice.status === 'draft') {
    const settings = (await settingsIn(db, invoice.orgId, [invoice.customerId]))?.get(invoice.customerId)
    return summary(lines, settings ? lineTaxes(lines.map(lineToTax), settings, units) : [], units, false)
  }
  return summary(lines, await storedLineTaxes(db, invoice.id), units, true)
}

/** The taxes fixed on a finalized invoice's lines, in position order. */
export async function storedLineTaxes(db: Database, invoiceId: string): Promise<LineTax[]> {
  return (await storedLineTaxesOf(db, [invoiceId])).get(invoiceId) ?? []
}

/** `storedLineTaxes` of many invoices (a rating chunk's finalized invoices) in one read per 1,000: by invoice id, each in position order; an invoice without tax is absent. */
export async function storedLineTaxesOf(db: Database, invoiceIds: readonly string[]): Promise<Map<string, LineTax[]>> {
  const out = new Map<string, LineTax[]>()
  for (const part of chunks(invoiceIds)) {
    const rows = await db
      .select()
      .from(invoiceLineTaxes)
      .where(inArray(invoiceLineTaxes.invoiceId, part))
      .orderBy(asc(invoiceLineTaxes.invoiceId), asc(invoiceLineTaxes.position))
    for (const r of rows) {
      const tax: LineTax = {
        lineId: r.invoiceLineId,
        rate: { id: r.taxRateId, name: r.name, percentage: new Dec(r.percentage).toFixed(), inclusive: r.inclusive, jurisdiction: r.jurisdiction },
        reverseCharge: r.reverseCharge,
        base: r.base,
        amount: r.amount,
      }
      const own = out.get(r.invoiceId)
      if (own === undefined) out.set(r.invoiceId, [tax])
      else own.push(tax)
    }
  }
  return out
}
