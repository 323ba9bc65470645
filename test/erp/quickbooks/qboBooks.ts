// What a QuickBooks Online company holds and the rules it applies that the XSD types do not say
// (the XSD makes nearly every element optional): customers with unique DisplayNames; sales
// documents whose lines are SalesItemLineDetail lines through known Items with Amount = Qty ×
// UnitPrice, unique DocNumbers, totals of lines + TotalTax; payments whose lines link invoices
// (≤ their balance) and credit memos (≤ their remaining credit) of the payment's customer, with
// TotalAmt = invoices − credits; voids with the current SyncToken of an invoice nothing was
// applied to; journal entries with at least one debit and one credit line that balance, on
// known accounts, an Accounts Receivable line naming a customer as Entity. Amounts are decimal
// strings (exactJson.ts), arithmetic decimal. Each method returns the stored entity, or throws
// QboRefusal (answered as a ValidationFault).
import { Dec } from '../../../platform/decimal.ts'

export interface QboAccount {
  Id: string
  AccountType: 'Bank' | 'Income' | 'Accounts Receivable' | 'Other Current Liability' | 'Other Current Asset'
}

export interface QboItem {
  Id: string
  Name: string
  IncomeAccountId: string
}

export interface QboBooksOptions {
  accounts: QboAccount[]
  items: QboItem[]
  /** Currencies the company has enabled (its home currency first). */
  currencies: string[]
}

/** A refused request: Intuit's error code, message and detail. */
export class QboRefusal extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly element = '',
  ) {
    super(detail)
  }
}

export type El = Record<string, unknown>
export interface Sales {
  element: El
  customerId: string
  currency: string
  total: Dec
  /** Invoice: what is still due; credit memo: the credit not applied yet. */
  balance: Dec
  voided: boolean
}

const obj = (v: unknown): El => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as El) : {})
const arr = (v: unknown): El[] => (Array.isArray(v) ? (v as El[]) : [])
const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const refOf = (v: unknown): string => str(obj(v).value)

function refuse(detail: string, element = '', code = '6000'): never {
  throw new QboRefusal(code, detail, element)
}

export class QboBooks {
  readonly customers = new Map<string, El>()
  readonly invoices = new Map<string, Sales>()
  readonly creditMemos = new Map<string, Sales>()
  readonly payments = new Map<string, El>()
  readonly journals = new Map<string, El>()
  private nextId = 100

  constructor(readonly options: QboBooksOptions) {}

  private store(into: Map<string, El>, el: El): El {
    const stored = { ...el, Id: String(this.nextId++), SyncToken: '0' }
    into.set(stored.Id, stored)
    return stored
  }

  addCustomer(el: El): El {
    const name = str(el.DisplayName)
    if (!name) refuse('DisplayName is required for a customer', 'DisplayName', '2020')
    if ([...this.customers.values()].some((c) => c.DisplayName === name))
      refuse(`The name supplied already exists. : Another customer is already using this name: ${name}`, 'DisplayName', '6240')
    this.currency(el)
    return this.store(this.customers, el)
  }

  addInvoice(el: El): El {
    return this.addSales(this.invoices, el, 'Invoice')
  }

  addCreditMemo(el: El): El {
    return this.addSales(this.creditMemos, el, 'CreditMemo')
  }

  voidInvoice(el: El): El {
    const invoice = this.invoices.get(str(el.Id)) ?? refuse(`Object Not Found: Invoice ${str(el.Id)}`, 'Id', '610')
    if (str(el.SyncToken) !== str(invoice.element.SyncToken))
      refuse(`Stale Object Error: You and ${str(el.SyncToken)} were working on this at the same time.`, 'SyncToken', '5010')
    if (invoice.voided) refuse('This transaction is already void', 'Id')
    if (!invoice.balance.eq(invoice.total)) refuse('This invoice has payments or credits applied to it; remove them before voiding it', 'Id')
    invoice.voided = true
    invoice.balance = new Dec(0)
    const token = String(Number(invoice.element.SyncToken) + 1)
    invoice.element = { ...invoice.element, SyncToken: token, Balance: '0', TotalAmt: '0', PrivateNote: 'Voided' }
    return invoice.element
  }

  addPayment(el: El): El {
    const customerId = this.customer(el.CustomerRef)
    const total = this.amount(el.TotalAmt, 'TotalAmt')
    dateOf(el.TxnDate)
    const applied: [Sales, Dec][] = []
    let net = new Dec(0)
    for (const line of arr(el.Line)) {
      const amount = this.amount(line.Amount, 'Line.Amount')
      const links = arr(line.LinkedTxn)
      if (links.length !== 1) refuse('Each payment line links exactly one transaction in this test company', 'Line.LinkedTxn')
      const link = links[0]!
      const kind = str(link.TxnType)
      const target = (kind === 'Invoice' ? this.invoices : kind === 'CreditMemo' ? this.creditMemos : undefined)?.get(str(link.TxnId))
      if (!target) refuse(`Invalid Reference Id: ${kind} ${str(link.TxnId)} does not exist`, 'Line.LinkedTxn.TxnId', '2500')
      if (target.customerId !== customerId) refuse(`${kind} ${str(link.TxnId)} belongs to another customer`, 'Line.LinkedTxn.TxnId')
      if (target.voided) refuse(`${kind} ${str(link.TxnId)} is void`, 'Line.LinkedTxn.TxnId')
      if (amount.lte(0)) refuse('A payment line amount must be greater than zero', 'Line.Amount')
      if (amount.gt(target.balance))
        refuse(`The amount applied (${amount.toFixed()}) exceeds the open balance ${target.balance.toFixed()} of ${kind} ${str(link.TxnId)}`, 'Line.Amount')
      applied.push([target, amount])
      net = kind === 'Invoice' ? net.plus(amount) : net.minus(amount)
    }
    if (applied.length === 0) refuse('A payment must be applied to at least one transaction in this test company', 'Line')
    if (!net.eq(total)) refuse(`TotalAmt ${total.toFixed()} is not the invoices applied less the credits applied (${net.toFixed()})`, 'TotalAmt')
    if (total.gt(0)) {
      const deposit = this.account(el.DepositToAccountRef, 'DepositToAccountRef')
      if (deposit.AccountType !== 'Bank' && deposit.AccountType !== 'Other Current Asset')
        refuse(`Account ${deposit.Id} cannot receive deposits`, 'DepositToAccountRef')
    }
    for (const [target, amount] of applied) target.balance = target.balance.minus(amount)
    return this.store(this.payments, el)
  }

  addJournal(el: El): El {
    dateOf(el.TxnDate)
    this.currency(el)
    const lines = arr(el.Line)
    let debits = new Dec(0)
    let credits = new Dec(0)
    for (const line of lines) {
      if (line.DetailType !== 'JournalEntryLineDetail') refuse('Journal entry lines must be JournalEntryLineDetail lines', 'Line.DetailType')
      const detail = obj(line.JournalEntryLineDetail)
      const amount = this.amount(line.Amount, 'Line.Amount')
      if (amount.lt(0)) refuse('A journal line amount cannot be negative', 'Line.Amount')
      const account = this.account(detail.AccountRef, 'JournalEntryLineDetail.AccountRef')
      const entity = obj(detail.Entity)
      if (account.AccountType === 'Accounts Receivable' && (entity.Type !== 'Customer' || !refOf(entity.EntityRef)))
        refuse('When you use Accounts Receivable, you must choose a customer in the Name field.', 'JournalEntryLineDetail.Entity')
      if (Object.keys(entity).length > 0) this.customer(entity.EntityRef)
      if (detail.PostingType === 'Debit') debits = debits.plus(amount)
      else if (detail.PostingType === 'Credit') credits = credits.plus(amount)
      else refuse('PostingType is required on a journal entry line', 'JournalEntryLineDetail.PostingType', '2020')
    }
    if (debits.isZero() || credits.isZero()) refuse('You must have at least one debit line and one credit line in a journal entry', 'Line')
    if (!debits.eq(credits))
      refuse(`Transaction must balance: debits ${debits.toFixed()} and credits ${credits.toFixed()} differ by ${debits.minus(credits).toFixed()}`, 'Line')
    return this.store(this.journals, el)
  }

  private addSales(into: Map<string, Sales>, el: El, kind: string): El {
    const customerId = this.customer(el.CustomerRef)
    const currency = this.currency(el)
    const customerCurrency = refOf(this.customers.get(customerId)!.CurrencyRef) || this.options.currencies[0]
    if (currency !== customerCurrency) refuse(`The currency ${currency} is not the customer's currency ${customerCurrency}`, 'CurrencyRef')
    dateOf(el.TxnDate)
    const number = str(el.DocNumber)
    if (number && [...into.values()].some((s) => s.element.DocNumber === number))
      refuse(`Duplicate Document Number Error: ${kind} ${number} already exists`, 'DocNumber', '6140')
    const lines = arr(el.Line)
    if (lines.length === 0) refuse(`A ${kind} needs at least one line`, 'Line', '2020')
    let total = this.amount(obj(el.TxnTaxDetail).TotalTax ?? '0', 'TxnTaxDetail.TotalTax')
    for (const line of lines) {
      if (line.DetailType !== 'SalesItemLineDetail') refuse('This test company takes SalesItemLineDetail lines only', 'Line.DetailType')
      const detail = obj(line.SalesItemLineDetail)
      const itemId = refOf(detail.ItemRef)
      if (!this.options.items.some((i) => i.Id === itemId)) refuse(`Invalid Reference Id: Item ${itemId || '(none)'} does not exist`, 'ItemRef', '2500')
      const amount = this.amount(line.Amount, 'Line.Amount')
      if (detail.Qty !== undefined || detail.UnitPrice !== undefined) {
        const product = new Dec(str(detail.Qty) || '1').times(str(detail.UnitPrice) || '0')
        if (!product.eq(amount)) refuse(`Amount ${amount.toFixed()} is not equal to UnitPrice * Qty (${product.toFixed()})`, 'Line.Amount')
      }
      if (!['TAX', 'NON'].includes(refOf(detail.TaxCodeRef) || 'NON')) refuse(`Invalid tax code ${refOf(detail.TaxCodeRef)}`, 'TaxCodeRef', '2500')
      total = total.plus(amount)
    }
    const stored = { ...el, Id: String(this.nextId++), SyncToken: '0', TotalAmt: total.toFixed(), Balance: total.toFixed() }
    into.set(stored.Id, { element: stored, customerId, currency, total, balance: total, voided: false })
    return stored
  }

  private customer(ref: unknown): string {
    const id = refOf(ref)
    if (!this.customers.has(id)) refuse(`Invalid Reference Id: Customer ${id || '(none)'} does not exist`, 'CustomerRef', '2500')
    return id
  }

  private account(ref: unknown, element: string): QboAccount {
    const id = refOf(ref)
    return this.options.accounts.find((a) => a.Id === id) ?? refuse(`Invalid Reference Id: Account ${id || '(none)'} does not exist`, element, '2500')
  }

  private currency(el: El): string {
    const code = refOf(el.CurrencyRef) || this.options.currencies[0]!
    if (!this.options.currencies.includes(code)) refuse(`The currency ${code} is not enabled for this company`, 'CurrencyRef')
    return code
  }

  // NOTE: stricter than QuickBooks, which rounds an amount with more places than it keeps:
  // refusing makes a test see the digits the adapter would have lost.
  private amount(value: unknown, element: string): Dec {
    if (typeof value !== 'string') refuse(`${element} is required`, element, '2020')
    const amount = new Dec(value)
    if (amount.decimalPlaces() > 2) refuse(`${element} ${value} has more than 2 decimal places`, element)
    return amount
  }
}

function dateOf(value: unknown): void {
  if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(str(value))) refuse(`TxnDate ${String(value)} is not a date (YYYY-MM-DD)`, 'TxnDate')
}
