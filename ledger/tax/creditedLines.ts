// What a stored credit note credited and the tax it gave back, read in a transaction: its lines,
// the invoice lines they credit, what the invoice's other credit notes credited of each, the
// invoice's stored line taxes and each credited line's share of its tax (creditNoteTaxes.ts).
// One read for the two places that need the same figures: the credit note's journal entry
// (accounting/lifecyclePostings.ts, Dr Tax payable the shares) and its ERP document
// (erp/creditNoteDocument.ts, each line's share beside it), so the ERP's tax is the books' tax.
// NOTE: both run in the transaction that writes the note, where it is the invoice's latest, so
// "the other credit notes" are the earlier ones.
import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import type { Database } from '../../platform/postgres/database.ts'
import { creditNoteLines, creditNotes } from '../schema/creditNotes.ts'
import { invoiceLines } from '../schema/invoices.ts'
import type { LineTax } from './compute/lineTaxes.ts'
import { creditNoteTaxes, type CreditedLineTax } from './creditNoteTaxes.ts'
import { storedLineTaxes } from './invoiceTaxes.ts'

export interface CreditedLines {
  /** The note's lines, as stored. */
  credited: (typeof creditNoteLines.$inferSelect)[]
  /** The invoice lines they credit. */
  rows: (typeof invoiceLines.$inferSelect)[]
  /** Per invoice line id, what the invoice's other credit notes credited of it (absent: nothing). */
  earlier: Map<string, string>
  /** The invoice's line taxes, fixed at finalization. */
  taxes: LineTax[]
  /** Each credited line's share of its tax, in the order of `credited`. */
  shares: CreditedLineTax[]
}

export async function creditedLinesIn(tx: Database, note: { id: string; invoiceId: string }, minorUnits: number): Promise<CreditedLines> {
  const credited = await tx.select().from(creditNoteLines).where(eq(creditNoteLines.creditNoteId, note.id))
  const rows = await tx
    .select()
    .from(invoiceLines)
    .where(
      inArray(
        invoiceLines.id,
        credited.map((c) => c.invoiceLineId),
      ),
    )
  const sums = await tx
    .select({ lineId: creditNoteLines.invoiceLineId, s: sql<string>`sum(${creditNoteLines.amount})::text` })
    .from(creditNoteLines)
    .innerJoin(creditNotes, eq(creditNotes.id, creditNoteLines.creditNoteId))
    .where(and(eq(creditNotes.invoiceId, note.invoiceId), ne(creditNotes.id, note.id)))
    .groupBy(creditNoteLines.invoiceLineId)
  const earlier = new Map(sums.map((e) => [e.lineId, e.s]))
  const taxes = await storedLineTaxes(tx, note.invoiceId)
  const shares = creditNoteTaxes({ lines: rows, taxes, creditedBefore: earlier, credits: credited, minorUnits })
  return { credited, rows, earlier, taxes, shares }
}
