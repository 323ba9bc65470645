// A posted journal entry → the ERP documents it stands for, read inside the posting
// transaction so the snapshot is the document as it was when it changed. Which entries leave,
// and as what (ERP rules, connectors/erp/README.md):
//
// | entry source kind                                | documents                                   |
// | ------------------------------------------------ | ------------------------------------------- |
// | invoice                                          | customer (first time only), invoice          |
// | payment                                          | payment                                     |
// | credit_note                                      | credit note                                 |
// | void                                             | invoice_void                                |
// | schedule_line, accrual, accrual_reversal, close  | journal (never touches AR: Xero forbids it) |
//
// Invoice lines go exclusive of their tax with the tax beside them (`taxAmount`, fixed at
// finalization; an inclusive line's amount is its base); a credit note's lines carry their shares
// of its tax the same way (creditNoteDocument.ts).
// Invoice lines carry the account each line credits in the ledger (lineAccounts.ts, so a
// deferred line names deferred revenue and the recognition journals move it, as in Tally's
// books). A credit note's lines are its entry's debits but Tax payable: the ledger splits a credit
// on a deferred line between deferred and recognised revenue, and the ERP receives the same split.
import { asc, eq } from 'drizzle-orm'
import type { Database } from '../../platform/postgres/database.ts'
import { planLine } from '../accounting/compute/lineAccounts.ts'
import type { PostedEntry } from '../accounting/journals.ts'
import { lineForPosting, postingContextIn } from '../accounting/postingContext.ts'
import { customers } from '../schema/customers.ts'
import { invoiceLines, invoices } from '../schema/invoices.ts'
import { payments } from '../schema/payments.ts'
import { creditNoteDocumentIn } from './creditNoteDocument.ts'
import type { ErpCustomer, ErpDocument, ErpJournal } from './erpDocuments.ts'
import { netOfTax } from '../tax/compute/netOfTax.ts'
import { storedLineTaxes } from '../tax/invoiceTaxes.ts'

/** The entry kinds sent as manual journals; invoice, payment, credit note and void entries leave as documents instead. */
export const JOURNAL_DOCUMENT_KINDS: ReadonlySet<string> = new Set(['schedule_line', 'accrual', 'accrual_reversal', 'close'])

/** What an entry sends, in dependency order (a customer before its invoice); [] for entries that send nothing. */
export async function documentsOfEntryIn(tx: Database, entry: PostedEntry): Promise<ErpDocument[]> {
  const key = entry.source.key
  switch (entry.source.kind) {
    case 'invoice':
      return invoiceDocumentsIn(tx, entry)
    case 'payment': {
      const [payment] = await tx.select().from(payments).where(eq(payments.id, key))
      const cash = entry.lines.find((l) => l.side === 'debit')!
      return [
        {
          kind: 'payment',
          tallyId: key,
          invoiceTallyId: payment!.invoiceId,
          currency: payment!.currency,
          amount: payment!.amount,
          paidOn: payment!.paidOn,
          accountCode: cash.account,
        },
      ]
    }
    case 'credit_note':
      return [await creditNoteDocumentIn(tx, entry, documentNumber)]
    case 'void': {
      const [invoice] = await tx.select().from(invoices).where(eq(invoices.id, key))
      return [{ kind: 'invoice_void', tallyId: key, invoiceTallyId: key, voidedOn: entry.datedOn, reason: invoice!.voidReason ?? '' }]
    }
    default:
      return JOURNAL_DOCUMENT_KINDS.has(entry.source.kind) ? [journalOf(entry)] : []
  }
}

/**
 * The number the ERP shows: the display number when the issuer has a prefix (so two billing
 * entities syncing to one ERP tenant do not both send 1), else the integer as before.
 */
function documentNumber(doc: { number: number | null; displayNumber: string | null }): string {
  return doc.displayNumber ?? String(doc.number)
}

async function invoiceDocumentsIn(tx: Database, entry: PostedEntry): Promise<ErpDocument[]> {
  const [invoice] = await tx.select().from(invoices).where(eq(invoices.id, entry.source.key))
  const [customer] = await tx.select().from(customers).where(eq(customers.id, invoice!.customerId))
  const rows = await tx.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice!.id)).orderBy(asc(invoiceLines.position))
  const ctx = await postingContextIn(tx, invoice!.orgId, new Date(entry.createdAt))
  const contact: ErpCustomer = { kind: 'customer', tallyId: customer!.id, name: customer!.name, email: customer!.email, currency: customer!.currency }
  // Each line exclusive of its tax, the tax beside it (ledger/tax/README.md): Σ (amount + tax) = the total.
  const taxes = new Map((await storedLineTaxes(tx, invoice!.id)).map((t) => [t.lineId, t]))
  const net = netOfTax(rows, [...taxes.values()])
  const lines = rows.map((row, i) => ({
    description: row.description,
    quantity: row.quantity,
    unitAmount: row.unitPrice ?? row.amount,
    amount: net[i]!.amount,
    taxAmount: taxes.get(row.id)?.amount ?? '0',
    productId: row.productId,
    accountCode: ctx.chart.accountFor(planLine(lineForPosting(row, ctx)).role, row.productId),
  }))
  return [
    contact,
    {
      kind: 'invoice',
      tallyId: invoice!.id,
      number: documentNumber(invoice!),
      customerTallyId: customer!.id,
      currency: invoice!.currency,
      issuedOn: entry.datedOn,
      dueOn: invoice!.dueDate,
      lines,
      total: invoice!.total,
    },
  ]
}

function journalOf(entry: PostedEntry): ErpJournal {
  return {
    kind: 'journal',
    tallyId: entry.id,
    postedOn: entry.postedOn,
    memo: entry.memo,
    currency: entry.lines[0]!.currency,
    lines: entry.lines.map((l) => ({
      accountCode: l.account,
      debit: l.side === 'debit' ? l.amount : '0',
      credit: l.side === 'credit' ? l.amount : '0',
      description: l.memo ?? entry.memo,
      customerTallyId: l.customerId,
    })),
  }
}
