// What a Xero organisation holds and the rules it applies that the OpenAPI schemas do not say:
// contacts with unique names, invoices and credit notes whose lines post to known accounts (never
// to AR) and whose LineAmount equals Quantity × UnitAmount, payments to a bank account no larger
// than the amount due, allocations within the credit left and the amount due, voids only while
// nothing is paid or allocated, and manual journals that balance and never touch the AR account
// (Xero keeps AR to invoices and payments). Amounts are decimal strings (exactJson.ts) and all
// arithmetic is decimal. Each method returns the stored element, or throws XeroRefusal.
import { randomUUID } from 'node:crypto'
import { Dec } from '../../../platform/decimal.ts'

export interface XeroAccount {
  Code: string
  Type: 'BANK' | 'REVENUE' | 'CURRENT' | 'CURRLIAB' | 'EXPENSE' | 'SALES'
}

export interface XeroBooksOptions {
  accounts: XeroAccount[]
  /** The Accounts Receivable system account (Xero's default chart: 610). */
  arAccountCode: string
  /** Currencies the organisation has enabled (its base currency first). */
  currencies: string[]
}

/** A refused element: answered as a 400 ValidationException with these messages. */
export class XeroRefusal extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join('; '))
  }
}

type El = Record<string, unknown>
interface Sales {
  element: El
  contactId: string
  currency: string
  total: Dec
  due: Dec
  status: string
  paid: Dec
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

export class XeroBooks {
  readonly contacts = new Map<string, El>()
  readonly invoices = new Map<string, Sales>()
  readonly creditNotes = new Map<string, Sales>()
  readonly payments = new Map<string, El>()
  readonly journals = new Map<string, El>()
  readonly allocations: El[] = []

  constructor(private readonly options: XeroBooksOptions) {}

  putContact(el: El): El {
    const name = str(el.Name)
    if (!name) refuse('Contact name must be specified')
    if ([...this.contacts.values()].some((c) => c.Name === name))
      refuse(`The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`)
    return store(this.contacts, 'ContactID', el)
  }

  putInvoice(el: El, unitPlaces: number): El {
    if (el.Type !== 'ACCREC') refuse('Only ACCREC invoices are accepted by this test organisation')
    const sales = this.sales(el, unitPlaces)
    const stored = withId('InvoiceID', { ...el, Total: sales.total.toFixed(), AmountDue: sales.total.toFixed() })
    this.invoices.set(str(stored.InvoiceID), { ...sales, element: stored })
    return stored
  }

  voidInvoice(invoiceId: string, el: El): El {
    const invoice = this.invoice(invoiceId)
    if (el.Status !== 'VOIDED') refuse('Only voiding is accepted on an existing invoice by this test organisation')
    if (!invoice.paid.isZero() || !invoice.due.eq(invoice.total)) refuse('This document cannot be edited as it has a payment or credit note allocated to it.')
    invoice.status = 'VOIDED'
    invoice.element = { ...invoice.element, Status: 'VOIDED' }
    return invoice.element
  }

  putPayment(el: El): El {
    const invoice = this.invoice(str((el.Invoice as El | undefined)?.InvoiceID))
    const code = str((el.Account as El | undefined)?.Code)
    const account = this.options.accounts.find((a) => a.Code === code)
    if (account?.Type !== 'BANK') refuse(`Account code '${code}' is not a bank account or is not enabled for payments`)
    const amount = this.amount(el.Amount, 'Amount', 2)
    dateOf(el.Date)
    if (invoice.status !== 'AUTHORISED') refuse(`Payments can only be made against Authorised documents (invoice is ${invoice.status})`)
    if (amount.lte(0)) refuse('Payment amount must be greater than zero')
    if (amount.gt(invoice.due)) refuse('Payment amount exceeds the amount outstanding on this document')
    invoice.due = invoice.due.minus(amount)
    invoice.paid = invoice.paid.plus(amount)
    if (invoice.due.isZero()) invoice.status = 'PAID'
    return store(this.payments, 'PaymentID', el)
  }

  putCreditNote(el: El, unitPlaces: number): El {
    if (el.Type !== 'ACCRECCREDIT') refuse('Only ACCRECCREDIT credit notes are accepted by this test organisation')
    const sales = this.sales(el, unitPlaces)
    const stored = withId('CreditNoteID', { ...el, Total: sales.total.toFixed(), RemainingCredit: sales.total.toFixed() })
    this.creditNotes.set(str(stored.CreditNoteID), { ...sales, element: stored })
    return stored
  }

  allocate(creditNoteId: string, el: El): El {
    const credit = this.creditNotes.get(creditNoteId) ?? refuse(`Credit note ${creditNoteId} does not exist`)
    const invoice = this.invoice(str((el.Invoice as El | undefined)?.InvoiceID))
    const amount = this.amount(el.Amount, 'Amount', 2)
    dateOf(el.Date)
    if (invoice.status !== 'AUTHORISED') refuse(`Credit can only be allocated to Authorised invoices (invoice is ${invoice.status})`)
    if (invoice.currency !== credit.currency || invoice.contactId !== credit.contactId)
      refuse('The credit note and the invoice must have the same contact and currency')
    if (amount.gt(credit.due)) refuse('The amount allocated exceeds the remaining credit on the credit note')
    if (amount.gt(invoice.due)) refuse('The amount allocated exceeds the amount outstanding on the invoice')
    credit.due = credit.due.minus(amount)
    invoice.due = invoice.due.minus(amount)
    if (invoice.due.isZero()) invoice.status = 'PAID'
    const stored = { ...el, CreditNote: { CreditNoteID: creditNoteId } }
    this.allocations.push(stored)
    return stored
  }

  putJournal(el: El): El {
    const lines = (el.JournalLines as El[] | undefined) ?? []
    dateOf(el.Date)
    if (lines.length < 2) refuse('A manual journal must have at least two journal lines')
    let sum = new Dec(0)
    for (const line of lines) {
      const code = this.postable(line.AccountCode)
      if (code === this.options.arAccountCode) refuse(`Account code '${code}' is a system account (Accounts Receivable) and cannot be used in a manual journal`)
      sum = sum.plus(this.amount(line.LineAmount, 'LineAmount', 2))
    }
    if (!sum.isZero()) refuse(`The journal lines must balance: debits and credits differ by ${sum.toFixed()}`)
    return store(this.journals, 'ManualJournalID', el)
  }

  private invoice(invoiceId: string): Sales {
    return this.invoices.get(invoiceId) ?? refuse(`Invoice ${invoiceId} does not exist`)
  }

  /** An invoice's or credit note's contact, currency, lines and total (LineAmountTypes Exclusive: lines + tax). */
  private sales(el: El, unitPlaces: number): Omit<Sales, 'element'> {
    const contactId = str((el.Contact as El | undefined)?.ContactID)
    if (!this.contacts.has(contactId)) refuse(`Contact ${contactId || '(none)'} does not exist`)
    const currency = str(el.CurrencyCode) || this.options.currencies[0]!
    if (!this.options.currencies.includes(currency)) refuse(`The currency ${currency} is not enabled for this organisation`)
    if (el.LineAmountTypes !== 'Exclusive') refuse('This test organisation accepts LineAmountTypes Exclusive only')
    dateOf(el.Date)
    const lines = (el.LineItems as El[] | undefined) ?? []
    if (lines.length === 0) refuse('At least one line item is required')
    let total = new Dec(0)
    for (const line of lines) {
      if (this.postable(line.AccountCode) === this.options.arAccountCode)
        refuse(`Account code '${this.options.arAccountCode}' is not a valid code for this document.`)
      const lineAmount = this.amount(line.LineAmount, 'LineAmount', 2)
      const expected = this.amount(line.Quantity ?? '1', 'Quantity', 4).times(this.amount(line.UnitAmount, 'UnitAmount', unitPlaces))
      if (!expected.toDecimalPlaces(2).eq(lineAmount))
        refuse(`The line total ${lineAmount.toFixed()} does not match the expected line total ${expected.toDecimalPlaces(2).toFixed()}`)
      total = total.plus(lineAmount).plus(this.amount(line.TaxAmount ?? '0', 'TaxAmount', 2))
    }
    if (total.lt(0)) refuse('The total of a document cannot be negative')
    return { contactId, currency, total, due: total, status: str(el.Status) || 'DRAFT', paid: new Dec(0) }
  }

  /** A line's account: it must be in the chart. */
  private postable(value: unknown): string {
    const code = str(value)
    if (!this.options.accounts.some((a) => a.Code === code)) refuse(`Account code '${code}' is not a valid code for this document.`)
    return code
  }

  // NOTE: stricter than Xero, which rounds an amount with more places than it keeps: refusing
  // makes a test see the digits the adapter would have lost.
  private amount(value: unknown, field: string, places: number): Dec {
    if (typeof value !== 'string') refuse(`${field} is required`)
    const amount = new Dec(value)
    if (amount.decimalPlaces() > places) refuse(`${field} ${value} has more than ${places} decimal places`)
    return amount
  }
}

function withId(idField: string, el: El): El {
  return { ...el, [idField]: randomUUID() }
}

function store(into: Map<string, El>, idField: string, el: El): El {
  const stored = withId(idField, el)
  into.set(str(stored[idField]), stored)
  return stored
}

function refuse(message: string): never {
  throw new XeroRefusal([message])
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function dateOf(value: unknown): void {
  if (!DATE.test(str(value))) refuse(`Date ${String(value)} is not a date (YYYY-MM-DD)`)
}
