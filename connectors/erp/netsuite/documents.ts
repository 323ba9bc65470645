// Pure: a Tally document → the NetSuite REST record request(s) that record it (README "What goes
// where"). Every record is written by external id upsert, `PUT /<type>/eid:<external id>`, so
// a resend after a lost answer updates the record NetSuite holds instead of adding a second.
// A void has no upsert (NetSuite's REST API has no void action), so it is a credit memo
// transformed from the invoice under its own external id, looked up first; a payment reads its
// customer from the invoice NetSuite holds first. No I/O, no clock.
import { Dec } from '../../../platform/decimal.ts'
import type { ErpCreditNote, ErpDocument, ErpDocumentLine, ErpInvoice, ErpJournal, ErpPayment, ErpRefs } from '../erpAdapter.ts'
import { JsonDecimal } from '../decimalJson.ts'
import { refuseNegativeInvoice } from '../mappingBasics.ts'
import { NetSuiteMappingError, netsuiteExternalId, type NetSuiteMapping, type RecordRef } from './mapping.ts'

export interface NetSuiteRequest {
  method: 'PUT' | 'POST' | 'GET'
  /** Relative to the record API root (…/services/rest/record/v1). */
  path: string
  body?: unknown
}

/** What a lookup's record decides: the request to send (answered 204 with the record's Location), or the record already there. */
export type NetSuiteNext = NetSuiteRequest | { existingId: string }

export type NetSuitePlan =
  /** Answered 204 with the record's Location (created or updated). */
  | { request: NetSuiteRequest }
  /** GET `lookup` first (its record, or null on 404), then what `next` says. */
  | { lookup: NetSuiteRequest; next(found: Record<string, unknown> | null): NetSuiteNext }

const upsertRequest = (type: string, externalId: string, body: Record<string, unknown>): NetSuiteRequest => ({
  method: 'PUT',
  path: `/${type}/eid:${externalId}`,
  body,
})
const upsert = (type: string, externalId: string, body: Record<string, unknown>): NetSuitePlan => ({ request: upsertRequest(type, externalId, body) })

export function netsuitePlan(document: ErpDocument, refs: ErpRefs, m: NetSuiteMapping): NetSuitePlan {
  const externalId = netsuiteExternalId(document.kind, document.tallyId)
  switch (document.kind) {
    case 'customer':
      return upsert('customer', externalId, {
        companyName: document.name,
        isPerson: false,
        email: document.email ?? undefined,
        subsidiary: m.subsidiary(),
        currency: m.currency(document.currency),
      })
    case 'invoice':
      return upsert('invoice', externalId, invoice(document, refs, m))
    case 'payment': {
      // A payment names only its invoice and NetSuite wants its customer too: read from the invoice NetSuite holds.
      const invoiceId = m.ref(refs, 'invoice', document.invoiceTallyId).id
      return {
        lookup: { method: 'GET', path: `/invoice/${invoiceId}` },
        next(found) {
          const customerId = (found?.entity as { id?: unknown } | undefined)?.id
          if (typeof customerId !== 'string')
            throw new NetSuiteMappingError(
              'missing_reference',
              `NetSuite invoice ${invoiceId} (Tally ${document.invoiceTallyId}) was not found or names no customer`,
            )
          return upsertRequest('customerPayment', externalId, payment(document, { id: invoiceId }, { id: customerId }, m))
        },
      }
    }
    case 'credit_note':
      return upsert('creditMemo', externalId, creditMemo(document, refs, m))
    case 'journal':
      return upsert('journalEntry', externalId, journal(document, refs, m))
    case 'invoice_void': {
      const invoiceId = m.ref(refs, 'invoice', document.invoiceTallyId).id
      const memo = `Void of Tally invoice ${document.invoiceTallyId}${document.reason ? `: ${document.reason}` : ''}`
      const create: NetSuiteRequest = {
        method: 'POST',
        path: `/invoice/${invoiceId}/!transform/creditMemo`,
        body: { externalId, tranDate: document.voidedOn, memo },
      }
      return {
        lookup: { method: 'GET', path: `/creditMemo/eid:${externalId}` },
        next: (found) => (found === null ? create : { existingId: String(found.id) }),
      }
    }
  }
}

/** The header fields an invoice and a credit memo share, and their item lines (checked against the total). */
function salesTransaction(doc: ErpInvoice | ErpCreditNote, refs: ErpRefs, m: NetSuiteMapping) {
  const sum = doc.lines.reduce((acc, l) => acc.plus(l.amount).plus(l.taxAmount), new Dec(0))
  if (!sum.eq(doc.total))
    throw new NetSuiteMappingError('total_mismatch', `${doc.kind} ${doc.tallyId}: lines and tax sum to ${sum.toFixed()}, the total is ${doc.total}`)
  return {
    entity: m.ref(refs, 'customer', doc.customerTallyId),
    subsidiary: m.subsidiary(),
    currency: m.currency(doc.currency),
    tranId: doc.number,
    tranDate: doc.issuedOn,
    memo: `Tally ${doc.tallyId}`,
    item: { items: doc.lines.map((line) => itemLine(line, m)) },
  }
}

/**
 * NOTE: NetSuite derives an item line's amount from quantity × rate. Tally's line amount is
 * authoritative and may differ by rounding, so the real quantity and rate are sent only when
 * their product is exactly the amount; otherwise 1 × amount, with them in the description.
 * Worked example: 1,234,567 × 0.000123 = 151.851741, billed 151.85 → "API calls (1234567 × 0.000123)", 1 × 151.85.
 * The API sync and the CSV import files (csvImport.ts) both write lines this way.
 */
export function quantityAndRate(line: ErpDocumentLine): { description: string; quantity: string; rate: string } {
  if (new Dec(line.quantity).times(line.unitAmount).eq(line.amount)) return { description: line.description, quantity: line.quantity, rate: line.unitAmount }
  return { description: `${line.description} (${line.quantity} × ${line.unitAmount})`, quantity: '1', rate: line.amount }
}

function itemLine(line: ErpDocumentLine, m: NetSuiteMapping) {
  const amount = m.amount(line.amount, 'line amount')
  const { description, quantity, rate } = quantityAndRate(line)
  return {
    item: m.item(line.accountCode),
    description,
    quantity: new JsonDecimal(quantity),
    rate: new JsonDecimal(rate),
    amount,
    tax1Amt: new Dec(line.taxAmount).isZero() ? undefined : m.amount(line.taxAmount, 'tax amount'),
  }
}

function invoice(doc: ErpInvoice, refs: ErpRefs, m: NetSuiteMapping) {
  refuseNegativeInvoice(doc, 'NetSuite', NetSuiteMappingError)
  return { ...salesTransaction(doc, refs, m), dueDate: doc.dueOn }
}

/** A credit memo applied to the invoice it credits, so the invoice's amount remaining drops in NetSuite as in Tally. */
function creditMemo(doc: ErpCreditNote, refs: ErpRefs, m: NetSuiteMapping) {
  const apply = { doc: m.ref(refs, 'invoice', doc.invoiceTallyId), apply: true, amount: m.amount(doc.total, 'credit memo total') }
  return { ...salesTransaction(doc, refs, m), apply: { items: [apply] } }
}

function payment(doc: ErpPayment, invoiceRef: RecordRef, customer: RecordRef, m: NetSuiteMapping) {
  const amount = m.amount(doc.amount, 'payment amount')
  return {
    customer,
    subsidiary: m.subsidiary(),
    currency: m.currency(doc.currency),
    tranDate: doc.paidOn,
    payment: amount,
    account: m.account(doc.accountCode),
    memo: `Tally ${doc.tallyId}`,
    apply: { items: [{ doc: invoiceRef, apply: true, amount }] },
  }
}

/** Balanced debit and credit lines in the subsidiary; a line naming a customer NetSuite holds carries it as its entity. */
function journal(doc: ErpJournal, refs: ErpRefs, m: NetSuiteMapping) {
  const lines = doc.lines.map((line) => {
    const debit = !new Dec(line.debit).isZero()
    const customerId = line.customerTallyId === null ? undefined : refs.erpIdOf('customer', line.customerTallyId)
    return {
      account: m.account(line.accountCode),
      debit: debit ? m.amount(line.debit, 'journal debit') : undefined,
      credit: debit ? undefined : m.amount(line.credit, 'journal credit'),
      memo: line.description,
      entity: customerId === undefined ? undefined : { id: customerId },
    }
  })
  return {
    subsidiary: m.subsidiary(),
    currency: m.currency(doc.currency),
    tranDate: doc.postedOn,
    memo: `${doc.memo} (Tally ${doc.tallyId})`,
    line: { items: lines },
  }
}
