// Pure: a Tally document → what QuickBooks Online needs to record it (bodies checked against
// Intuit's XSD types, Finance.xsd; README "What goes where"). No I/O, no clock: client.ts runs
// the plan — an optional lookup (a customer by DisplayName, an invoice by Id), the write built
// from what the lookup found, and for a credit memo a second write applying it to its invoice.
import { Dec } from '../../../platform/decimal.ts'
import type { ErpCreditNote, ErpDocument, ErpDocumentLine, ErpInvoice, ErpJournal, ErpPayment, ErpRefs } from '../erpAdapter.ts'
import { JsonDecimal } from '../decimalJson.ts'
import { refuseNegativeInvoice } from '../mappingBasics.ts'
import { QuickBooksMappingError, type QuickBooksMapping } from './mapping.ts'

/** A create (or void) of one entity: POST /company/{realm}/{entity}[?operation=void]. */
export interface QboWrite {
  entity: 'customer' | 'invoice' | 'payment' | 'creditmemo' | 'journalentry'
  operation?: 'void'
  body: Record<string, unknown>
  /** The answer's member holding the entity (`Invoice`, …), whose `Id` is kept. */
  answerKey: string
}

/** What to read before writing: a customer by its DisplayName (query), or an invoice by its Id. */
export type QboLookup = { kind: 'query'; entityKey: 'Customer'; query: string } | { kind: 'read'; entity: 'invoice'; entityKey: 'Invoice'; id: string }

export type QboEntity = Record<string, unknown>

export interface QboPlan {
  lookup?: QboLookup
  /** The write, given the entity the lookup found (null: none, or no lookup); `existingId` when nothing needs writing. */
  write(found: QboEntity | null): QboWrite | { existingId: string }
  /** After the write: a credit memo's application to its invoice. */
  followUp?: (erpId: string) => QboWrite
}

export function quickBooksPlan(document: ErpDocument, refs: ErpRefs, m: QuickBooksMapping): QboPlan {
  switch (document.kind) {
    case 'customer': {
      const name = m.displayName(document.name)
      const body = {
        DisplayName: name,
        PrimaryEmailAddr: document.email ? { Address: document.email } : undefined,
        CurrencyRef: { value: document.currency.toUpperCase() },
        Notes: `Tally ${document.tallyId}`,
      }
      // QuickBooks' query language quotes with ' and escapes it with a backslash.
      const query = `select * from Customer where DisplayName = '${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
      return {
        lookup: { kind: 'query', entityKey: 'Customer', query },
        write: (found) => (found ? { existingId: String(found.Id) } : { entity: 'customer', body, answerKey: 'Customer' }),
      }
    }
    case 'invoice': {
      const body = invoice(document, refs, m)
      return { write: () => ({ entity: 'invoice', body, answerKey: 'Invoice' }) }
    }
    case 'invoice_void': {
      const id = m.ref(refs, 'invoice', document.invoiceTallyId)
      return {
        lookup: { kind: 'read', entity: 'invoice', entityKey: 'Invoice', id },
        // NOTE: a void is an update: QuickBooks wants the invoice's current SyncToken, hence the read.
        write: (found) => ({ entity: 'invoice', operation: 'void', body: { Id: id, SyncToken: String(found?.SyncToken ?? '0') }, answerKey: 'Invoice' }),
      }
    }
    case 'payment':
      return payment(document, refs, m)
    case 'credit_note':
      return creditMemo(document, refs, m)
    case 'journal': {
      const body = journal(document, refs, m)
      return { write: () => ({ entity: 'journalentry', body, answerKey: 'JournalEntry' }) }
    }
  }
}

/** The fields an Invoice and a CreditMemo share (both SalesTransaction in the XSD). */
function salesTransaction(doc: ErpInvoice | ErpCreditNote, refs: ErpRefs, m: QuickBooksMapping) {
  const lines = doc.lines.map((line) => salesLine(line, m))
  const tax = doc.lines.reduce((acc, l) => acc.plus(l.taxAmount), new Dec(0))
  const sum = doc.lines.reduce((acc, l) => acc.plus(l.amount), tax)
  if (!sum.eq(doc.total))
    throw new QuickBooksMappingError('total_mismatch', `${doc.kind} ${doc.tallyId}: lines and tax sum to ${sum.toFixed()}, the total is ${doc.total}`)
  return {
    CustomerRef: { value: m.ref(refs, 'customer', doc.customerTallyId) },
    DocNumber: m.docNumber(doc.number),
    TxnDate: doc.issuedOn,
    CurrencyRef: { value: doc.currency.toUpperCase() },
    PrivateNote: `Tally ${doc.tallyId}`,
    Line: lines,
    TxnTaxDetail: { TotalTax: m.amount(tax.toFixed(), 'tax') },
  }
}

function invoice(doc: ErpInvoice, refs: ErpRefs, m: QuickBooksMapping): Record<string, unknown> {
  refuseNegativeInvoice(doc, 'QuickBooks', QuickBooksMappingError)
  return { ...salesTransaction(doc, refs, m), DueDate: doc.dueOn }
}

/**
 * NOTE: QuickBooks checks a sales line's Amount against Qty × UnitPrice and, when they differ,
 * rewrites the UnitPrice to fit. Tally's line amount is authoritative and may differ from
 * quantity × unit price by rounding (or the price may have more than 7 places), so the real
 * quantity and price are sent only when their product is exactly the amount; otherwise the
 * line goes as 1 × amount with the quantity and price in its description.
 * Worked example: 1,234,567 × 0.000123 = 151.851741, billed 151.85 → "API calls (1234567 × 0.000123)", 1 × 151.85.
 */
function salesLine(line: ErpDocumentLine, m: QuickBooksMapping) {
  const amount = m.amount(line.amount, 'line amount')
  const exact = m.fitsUnitPlaces(line.quantity) && m.fitsUnitPlaces(line.unitAmount) && new Dec(line.quantity).times(line.unitAmount).eq(line.amount)
  return {
    DetailType: 'SalesItemLineDetail',
    Amount: amount,
    Description: exact ? line.description : `${line.description} (${line.quantity} × ${line.unitAmount})`,
    SalesItemLineDetail: {
      ItemRef: { value: m.item(line.accountCode) },
      Qty: new JsonDecimal(exact ? line.quantity : '1'),
      UnitPrice: exact ? new JsonDecimal(line.unitAmount) : amount,
      TaxCodeRef: { value: m.taxCode(line.taxAmount) },
    },
  }
}

/** A payment of one invoice: QuickBooks wants the invoice's customer, read from the invoice (a payment document names only its invoice). */
function payment(doc: ErpPayment, refs: ErpRefs, m: QuickBooksMapping): QboPlan {
  const invoiceId = m.ref(refs, 'invoice', doc.invoiceTallyId)
  const amount = m.amount(doc.amount, 'payment amount')
  const depositTo = m.account(doc.accountCode)
  return {
    lookup: { kind: 'read', entity: 'invoice', entityKey: 'Invoice', id: invoiceId },
    write: (found) => ({
      entity: 'payment',
      answerKey: 'Payment',
      body: {
        CustomerRef: { value: String((found?.CustomerRef as QboEntity | undefined)?.value ?? '') },
        TxnDate: doc.paidOn,
        CurrencyRef: { value: doc.currency.toUpperCase() },
        PrivateNote: `Tally ${doc.tallyId}`,
        TotalAmt: amount,
        DepositToAccountRef: { value: depositTo },
        Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] }],
      },
    }),
  }
}

/**
 * A credit memo, then its application to the invoice it credits: QuickBooks applies a credit
 * through a Payment of 0 linking the invoice and the credit memo for the same amount, so the
 * invoice's balance drops in QuickBooks as in Tally.
 */
function creditMemo(doc: ErpCreditNote, refs: ErpRefs, m: QuickBooksMapping): QboPlan {
  const body = salesTransaction(doc, refs, m)
  const invoiceId = m.ref(refs, 'invoice', doc.invoiceTallyId)
  const total = m.amount(doc.total, 'credit note total')
  return {
    write: () => ({ entity: 'creditmemo', body, answerKey: 'CreditMemo' }),
    followUp: (creditMemoId) => ({
      entity: 'payment',
      answerKey: 'Payment',
      body: {
        CustomerRef: body.CustomerRef,
        TxnDate: doc.issuedOn,
        CurrencyRef: body.CurrencyRef,
        PrivateNote: `Tally ${doc.tallyId}: credit memo ${creditMemoId} applied`,
        TotalAmt: new JsonDecimal('0'),
        Line: [
          { Amount: total, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] },
          { Amount: total, LinkedTxn: [{ TxnId: creditMemoId, TxnType: 'CreditMemo' }] },
        ],
      },
    }),
  }
}

/**
 * A journal entry: each line's Amount is positive and PostingType says its side. A line naming
 * a customer QuickBooks already holds carries it as Entity. NOTE: QuickBooks requires a customer
 * only on an Accounts Receivable line, and Tally's journals never post to AR (they leave with
 * invoices and payments), while journals wait for no customer in the outbox: a customer not sent
 * yet is left off rather than holding the journal back. An AR line without one is refused by
 * QuickBooks with its own message (tested).
 */
function journal(doc: ErpJournal, refs: ErpRefs, m: QuickBooksMapping): Record<string, unknown> {
  const lines = doc.lines.map((line) => {
    const debit = !new Dec(line.debit).isZero()
    const customerId = line.customerTallyId === null ? undefined : refs.erpIdOf('customer', line.customerTallyId)
    return {
      DetailType: 'JournalEntryLineDetail',
      Amount: m.amount(debit ? line.debit : line.credit, 'journal line amount'),
      Description: line.description,
      JournalEntryLineDetail: {
        PostingType: debit ? 'Debit' : 'Credit',
        Entity: customerId === undefined ? undefined : { Type: 'Customer', EntityRef: { value: customerId } },
        AccountRef: { value: m.account(line.accountCode) },
      },
    }
  })
  return { TxnDate: doc.postedOn, CurrencyRef: { value: doc.currency.toUpperCase() }, PrivateNote: `${doc.memo} (Tally ${doc.tallyId})`, Line: lines }
}
