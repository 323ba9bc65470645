// Pure: a Tally document → the Xero request(s) that record it (paths and bodies checked against
// Xero's OpenAPI document, xero_accounting.yaml; README "What goes where"). No I/O, no clock:
// client.ts sends what this returns and reads the id named by `idField` from the answer.
import { Dec } from '../../../platform/decimal.ts'
import type { ErpCreditNote, ErpDocument, ErpDocumentLine, ErpInvoice, ErpJournal, ErpPayment, ErpRefs } from '../erpAdapter.ts'
import { JsonDecimal } from '../decimalJson.ts'
import { refuseNegativeInvoice } from '../mappingBasics.ts'
import { XeroMappingError, type XeroMapping } from './mapping.ts'

export interface XeroRequest {
  method: 'PUT' | 'POST'
  /** Relative to the connection's base URL (…/api.xro/2.0). */
  path: string
  body: unknown
  /** The answer's array (`Invoices`, …) whose first element carries the id. */
  collection: string
  /** The id's field; absent for an allocation, whose answer is only checked for success. */
  idField?: string
}

/** What one document takes: one request, and for a credit note a second one (its allocation) made from the first's id. */
export interface XeroPlan {
  request: XeroRequest
  followUp?: (erpId: string) => XeroRequest
}

export function xeroPlan(document: ErpDocument, refs: ErpRefs, m: XeroMapping): XeroPlan {
  switch (document.kind) {
    case 'customer':
      return {
        request: put('/Contacts', 'Contacts', 'ContactID', {
          Name: document.name,
          ContactNumber: m.contactNumber(document.tallyId),
          EmailAddress: document.email ?? undefined,
          DefaultCurrency: m.currency(document.currency),
        }),
      }
    case 'invoice':
      return { request: invoice(document, refs, m) }
    case 'invoice_void': {
      const invoiceId = m.ref(refs, 'invoice', document.invoiceTallyId)
      const body = { Invoices: [{ InvoiceID: invoiceId, Status: 'VOIDED' }] }
      return { request: { method: 'POST', path: `/Invoices/${invoiceId}`, body, collection: 'Invoices', idField: 'InvoiceID' } }
    }
    case 'payment':
      return { request: payment(document, refs, m) }
    case 'credit_note':
      return creditNote(document, refs, m)
    case 'journal':
      return { request: journal(document, m) }
  }
}

function put(path: string, collection: string, idField: string | undefined, element: Record<string, unknown>): XeroRequest {
  return { method: 'PUT', path, body: { [collection]: [element] }, collection, idField }
}

/** The fields an ACCREC invoice and an ACCRECCREDIT credit note share. */
function salesDocument(doc: ErpInvoice | ErpCreditNote, refs: ErpRefs, m: XeroMapping) {
  const lines = doc.lines.map((line) => lineItem(line, m))
  const sum = doc.lines.reduce((acc, l) => acc.plus(l.amount).plus(l.taxAmount), new Dec(0))
  if (!sum.eq(doc.total))
    throw new XeroMappingError('total_mismatch', `${doc.kind} ${doc.tallyId}: lines and tax sum to ${sum.toFixed()}, the total is ${doc.total}`)
  return {
    Contact: { ContactID: m.ref(refs, 'customer', doc.customerTallyId) },
    Reference: doc.tallyId,
    Date: doc.issuedOn,
    CurrencyCode: m.currency(doc.currency),
    Status: 'AUTHORISED',
    LineAmountTypes: 'Exclusive',
    LineItems: lines,
  }
}

// ?unitdp=4: Xero keeps 4 places of UnitAmount instead of rounding it to 2.
function invoice(doc: ErpInvoice, refs: ErpRefs, m: XeroMapping): XeroRequest {
  refuseNegativeInvoice(doc, 'Xero', XeroMappingError)
  const element = { Type: 'ACCREC', InvoiceNumber: doc.number, DueDate: doc.dueOn, ...salesDocument(doc, refs, m) }
  return put('/Invoices?unitdp=4', 'Invoices', 'InvoiceID', element)
}

/**
 * NOTE: Xero computes a line's amount as Quantity × UnitAmount (rounded to 2 places) and
 * refuses a LineAmount that disagrees. Tally's line amount is authoritative and may differ
 * from quantity × unit price by rounding (or the unit price may have more than 4 places), so
 * the real quantity and unit price are sent only when their product is exactly the amount;
 * otherwise the line goes as 1 × amount with the quantity and price in its description.
 * Worked example: 3 × 0.3333 = 0.9999 ≠ 1.00 → "API calls (3 × 0.3333)", 1 × 1.00.
 */
function lineItem(line: ErpDocumentLine, m: XeroMapping) {
  const amount = m.amount(line.amount, 'line amount')
  const exact = m.fitsUnitPlaces(line.quantity) && m.fitsUnitPlaces(line.unitAmount) && new Dec(line.quantity).times(line.unitAmount).eq(line.amount)
  return {
    Description: exact ? line.description : `${line.description} (${line.quantity} × ${line.unitAmount})`,
    Quantity: new JsonDecimal(exact ? line.quantity : '1'),
    UnitAmount: exact ? new JsonDecimal(line.unitAmount) : amount,
    LineAmount: amount,
    AccountCode: m.account(line.accountCode),
    TaxType: m.taxType(line.taxAmount),
    TaxAmount: m.amount(line.taxAmount, 'tax amount'),
  }
}

function payment(doc: ErpPayment, refs: ErpRefs, m: XeroMapping): XeroRequest {
  return put('/Payments', 'Payments', 'PaymentID', {
    Invoice: { InvoiceID: m.ref(refs, 'invoice', doc.invoiceTallyId) },
    Account: { Code: m.account(doc.accountCode) },
    Date: doc.paidOn,
    Amount: m.amount(doc.amount, 'payment amount'),
    Reference: doc.tallyId,
  })
}

/** A credit note, then its allocation to the invoice it credits (so the invoice's amount due drops in Xero as in Tally). */
function creditNote(doc: ErpCreditNote, refs: ErpRefs, m: XeroMapping): XeroPlan {
  const element = { Type: 'ACCRECCREDIT', CreditNoteNumber: doc.number, ...salesDocument(doc, refs, m) }
  const invoiceId = m.ref(refs, 'invoice', doc.invoiceTallyId)
  const allocation = { Invoice: { InvoiceID: invoiceId }, Amount: m.amount(doc.total, 'credit note total'), Date: doc.issuedOn }
  return {
    request: put('/CreditNotes?unitdp=4', 'CreditNotes', 'CreditNoteID', element),
    followUp: (creditNoteId) => put(`/CreditNotes/${creditNoteId}/Allocations`, 'Allocations', undefined, allocation),
  }
}

/** A manual journal: Xero's LineAmount is positive for a debit and negative for a credit, and the lines must sum to 0. */
function journal(doc: ErpJournal, m: XeroMapping): XeroRequest {
  m.journalCurrency(doc.currency)
  const lines = doc.lines.map((line) => {
    const debit = new Dec(line.debit)
    const signed = debit.isZero() ? new Dec(line.credit).neg() : debit
    return {
      LineAmount: m.amount(signed.toFixed(), 'journal line amount'),
      AccountCode: m.account(line.accountCode),
      Description: line.description,
    }
  })
  return put('/ManualJournals', 'ManualJournals', 'ManualJournalID', {
    Narration: `${doc.memo} (Tally ${doc.tallyId})`,
    Date: doc.postedOn,
    Status: 'POSTED',
    LineAmountTypes: 'NoTax',
    JournalLines: lines,
  })
}
