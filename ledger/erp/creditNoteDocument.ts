// A credit note's ERP document, read inside the posting transaction. Its lines are the entry's
// debits, so a credit on a deferred line carries the same deferred / recognised split as Tally's
// books; each line carries its share of the note's tax beside it (`taxAmount`), as an invoice's
// lines do (erpSnapshots.ts), and the entry's debit to Tax payable is not a line of its own: the
// ERP books the tax from the lines (Xero TaxAmount, QuickBooks TxnTaxDetail.TotalTax, NetSuite
// tax1Amt), and QuickBooks and NetSuite could not take a Tax payable line at all (their lines go
// through items; Tax payable has none). Σ (amount + tax) of the lines = the note's total.
// Worked example (test/erp/creditNoteTax.test.ts): 50.00 of deferred seats at 20 % exclusive and
// 22.00 of API at 10 % inclusive credited → lines 2100 50.00 + tax 10.00, 4100 20.00 + tax 2.00 = 82.00.
import { and, eq } from 'drizzle-orm'
import { Dec } from '../../platform/decimal.ts'
import type { Database } from '../../platform/postgres/database.ts'
import type { PostedEntry } from '../accounting/journals.ts'
import { createCurrencyRepository } from '../currencies.ts'
import { minorUnitsOf } from '../invoices.ts'
import { accounts } from '../schema/accounting.ts'
import { creditNotes } from '../schema/creditNotes.ts'
import { invoices } from '../schema/invoices.ts'
import { taxBesideLines } from '../tax/compute/taxBesideLines.ts'
import { creditedLinesIn } from '../tax/creditedLines.ts'
import type { ErpCreditNote } from './erpDocuments.ts'

export async function creditNoteDocumentIn(tx: Database, entry: PostedEntry, number: (doc: typeof creditNotes.$inferSelect) => string): Promise<ErpCreditNote> {
  const [note] = await tx.select().from(creditNotes).where(eq(creditNotes.id, entry.source.key))
  const [invoice] = await tx.select().from(invoices).where(eq(invoices.id, note!.invoiceId))
  const minorUnits = minorUnitsOf(await createCurrencyRepository(tx).table(invoice!.orgId), invoice!)
  const taxByProduct = await taxByCreditedProduct(tx, note!, minorUnits)
  const [taxPayable] = await tx
    .select({ code: accounts.code })
    .from(accounts)
    .where(and(eq(accounts.orgId, invoice!.orgId), eq(accounts.role, 'tax_payable')))
  const debits = entry.lines.filter((l) => l.side === 'debit' && !(l.account === taxPayable?.code && l.productId === null))
  const taxes = taxBesideLines(debits, taxByProduct, minorUnits)
  return {
    kind: 'credit_note',
    tallyId: note!.id,
    number: number(note!),
    invoiceTallyId: invoice!.id,
    customerTallyId: invoice!.customerId,
    currency: invoice!.currency,
    issuedOn: entry.datedOn,
    lines: debits.map((l, i) => ({
      description: l.memo ?? entry.memo,
      quantity: '1',
      unitAmount: l.amount,
      amount: l.amount,
      taxAmount: taxes[i]!,
      productId: l.productId,
      accountCode: l.account,
    })),
    total: note!.total,
  }
}

/** The tax the note gave back per credited product ('' for lines of no product), as its journal entry debited it to Tax payable. */
async function taxByCreditedProduct(tx: Database, note: { id: string; invoiceId: string }, minorUnits: number): Promise<Map<string, Dec>> {
  const { rows, shares } = await creditedLinesIn(tx, note, minorUnits)
  const out = new Map<string, Dec>()
  for (const share of shares) {
    const product = rows.find((l) => l.id === share.invoiceLineId)!.productId ?? ''
    out.set(product, (out.get(product) ?? new Dec(0)).plus(share.tax))
  }
  return out
}
