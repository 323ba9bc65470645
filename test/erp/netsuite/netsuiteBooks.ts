// What a NetSuite account holds, and the REST record rules the adapter relies on: a subsidiary
// and a known currency on every record, references (`{ id }`) to records that exist, item lines
// whose amount is quantity × rate, payments and credit memos applied within the invoice's amount
// remaining, and journal entries of at least two lines, each a debit or a credit, that balance.
// Records are keyed by internal id (sequential, as NetSuite's) and by external id per type, and
// an upsert of an external id NetSuite holds updates that record: its earlier applications are
// undone first, so a repeated upsert never applies a payment twice. Amounts are decimal strings
// (exactJson.ts); all arithmetic is decimal. Each method returns the stored record or throws.
import { Dec } from '../../../platform/decimal.ts'

export type NetSuiteRecordType = 'customer' | 'invoice' | 'customerPayment' | 'creditMemo' | 'journalEntry'
type Rec = Record<string, unknown>

export interface StoredRecord {
  id: string
  type: NetSuiteRecordType
  externalId: string | null
  body: Rec
  /** Invoices: total and amount remaining; credit memos and payments: what they applied, to which invoice. */
  total: Dec
  remaining: Dec
  applied: { invoiceId: string; amount: Dec }[]
  /** A credit memo transformed from an invoice (how Tally voids): the invoice id. */
  voids: string | null
}

export interface NetSuiteBooksOptions {
  subsidiaries: string[]
  /** Internal id → ISO code. */
  currencies: Record<string, string>
  /** Account internal id → NetSuite account type. */
  accounts: Record<string, 'Bank' | 'AcctRec' | 'Income' | 'DeferRevenue' | 'OthCurrLiab' | 'OthCurrAsset'>
  items: string[]
}

/** A refused request: answered 400 with this NetSuite error code and detail. */
export class NetSuiteRefusal extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message)
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

export class NetSuiteBooks {
  readonly records = new Map<string, StoredRecord>()
  private readonly byExternalId = new Map<string, string>()
  private nextId = 100

  constructor(private readonly options: NetSuiteBooksOptions) {}

  of(type: NetSuiteRecordType): StoredRecord[] {
    return [...this.records.values()].filter((r) => r.type === type)
  }

  byExternal(type: NetSuiteRecordType, externalId: string): StoredRecord | undefined {
    const id = this.byExternalId.get(`${type}:${externalId}`)
    return id === undefined ? undefined : this.records.get(id)
  }

  get(type: NetSuiteRecordType, id: string): StoredRecord | undefined {
    const record = this.records.get(id)
    return record?.type === type ? record : undefined
  }

  /** PUT /<type>/eid:<external id>: creates the record, or updates the one holding that external id. */
  upsert(type: NetSuiteRecordType, externalId: string, body: Rec): StoredRecord {
    if ('id' in body) refuse('INVALID_FLD_VALUE', 'Upsert prohibits internal ID values in the request body.')
    const existing = this.byExternal(type, externalId)
    if (existing) this.undo(existing)
    try {
      const record = this.check(type, body, existing?.id ?? this.newId(), externalId)
      this.store(record)
      return record
    } catch (error) {
      if (existing) this.redo(existing)
      throw error
    }
  }

  /** POST /invoice/<id>/!transform/creditMemo: a credit memo of the invoice's lines, applied to what it has remaining. */
  transformToCreditMemo(invoiceId: string, body: Rec): StoredRecord {
    const invoice = this.get('invoice', invoiceId) ?? refuse('INVALID_KEY_OR_REF', `Invalid invoice reference key ${invoiceId}.`)
    const externalId = typeof body.externalId === 'string' ? body.externalId : null
    if (externalId !== null && this.byExternal('creditMemo', externalId))
      refuse('DUP_RCRD', `A record with external ID ${externalId} already exists for this record type.`)
    dateOf(body.tranDate)
    const amount = Dec.min(invoice.total, invoice.remaining)
    const record: StoredRecord = {
      id: this.newId(),
      type: 'creditMemo',
      externalId,
      body: { ...invoice.body, ...body, createdFrom: { id: invoiceId } },
      total: invoice.total,
      remaining: new Dec(0),
      applied: amount.isZero() ? [] : [{ invoiceId, amount }],
      voids: invoiceId,
    }
    this.store(record)
    return record
  }

  private newId(): string {
    return String(this.nextId++)
  }

  private store(record: StoredRecord): void {
    this.records.set(record.id, record)
    if (record.externalId !== null) this.byExternalId.set(`${record.type}:${record.externalId}`, record.id)
    this.redo(record)
  }

  private undo(record: StoredRecord): void {
    for (const a of record.applied) this.records.get(a.invoiceId)!.remaining = this.records.get(a.invoiceId)!.remaining.plus(a.amount)
  }

  private redo(record: StoredRecord): void {
    for (const a of record.applied) this.records.get(a.invoiceId)!.remaining = this.records.get(a.invoiceId)!.remaining.minus(a.amount)
  }

  private check(type: NetSuiteRecordType, body: Rec, id: string, externalId: string): StoredRecord {
    const record: StoredRecord = { id, type, externalId, body, total: new Dec(0), remaining: new Dec(0), applied: [], voids: null }
    const subsidiary = refId(body.subsidiary)
    if (!subsidiary) refuse('USER_ERROR', 'Please enter value(s) for: Subsidiary')
    if (!this.options.subsidiaries.includes(subsidiary)) refuse('INVALID_KEY_OR_REF', `Invalid subsidiary reference key ${subsidiary}.`)
    const currency = refId(body.currency)
    if (currency && !(currency in this.options.currencies)) refuse('INVALID_KEY_OR_REF', `Invalid currency reference key ${currency}.`)
    if (type === 'customer') {
      if (typeof body.companyName !== 'string' || body.companyName === '') refuse('USER_ERROR', 'Please enter value(s) for: Company Name')
      return record
    }
    dateOf(body.tranDate)
    if (type === 'journalEntry') return this.journal(record)
    if (type === 'customerPayment') return this.payment(record)
    const customer = this.customer(body.entity)
    record.total = this.itemLines(body)
    record.remaining = record.total
    if (type === 'creditMemo') {
      record.remaining = new Dec(0)
      record.applied = this.applications(body, customer.id, record.total)
    }
    return record
  }

  private customer(ref: unknown): StoredRecord {
    const id = refId(ref)
    return this.get('customer', id) ?? refuse('INVALID_KEY_OR_REF', `Invalid entity reference key ${id || '(none)'}.`)
  }

  /** Σ amount + tax of the item sublist; each line's amount must be quantity × rate (2 places). */
  private itemLines(body: Rec): Dec {
    const lines = sublist(body.item)
    if (lines.length === 0) refuse('USER_ERROR', 'You must enter at least one line item for this transaction.')
    let total = new Dec(0)
    for (const line of lines) {
      const item = refId(line.item)
      if (!this.options.items.includes(item)) refuse('INVALID_KEY_OR_REF', `Invalid item reference key ${item || '(none)'}.`)
      const amount = money(line.amount, 'amount')
      const expected = decimal(line.quantity ?? '1', 'quantity')
        .times(decimal(line.rate, 'rate'))
        .toDecimalPlaces(2)
      if (!expected.eq(amount)) refuse('USER_ERROR', `The line amount ${amount.toFixed()} does not equal quantity × rate (${expected.toFixed()}).`)
      total = total.plus(amount).plus(line.tax1Amt === undefined ? 0 : money(line.tax1Amt, 'tax1Amt'))
    }
    return total
  }

  /** The apply sublist: invoices of the customer, within their amount remaining, summing to at most `limit`. */
  private applications(body: Rec, customerId: string, limit: Dec): StoredRecord['applied'] {
    const applied = sublist(body.apply)
      .filter((a) => a.apply === true)
      .map((a) => {
        const invoice = this.get('invoice', refId(a.doc)) ?? refuse('INVALID_KEY_OR_REF', `Invalid apply reference key ${refId(a.doc) || '(none)'}.`)
        if (refId(invoice.body.entity) !== customerId) refuse('USER_ERROR', `Invoice ${invoice.id} belongs to another customer.`)
        if (this.isVoided(invoice.id)) refuse('USER_ERROR', `Invoice ${invoice.id} is voided.`)
        const amount = money(a.amount, 'apply amount')
        if (amount.gt(invoice.remaining))
          refuse(
            'USER_ERROR',
            `The amount applied (${amount.toFixed()}) exceeds the amount remaining on invoice ${invoice.id} (${invoice.remaining.toFixed()}).`,
          )
        return { invoiceId: invoice.id, amount }
      })
    const sum = applied.reduce((acc, a) => acc.plus(a.amount), new Dec(0))
    if (sum.gt(limit)) refuse('USER_ERROR', `The total applied (${sum.toFixed()}) exceeds the transaction total (${limit.toFixed()}).`)
    return applied
  }

  private payment(record: StoredRecord): StoredRecord {
    const { body } = record
    const customer = this.customer(body.customer)
    const account = refId(body.account)
    if (this.options.accounts[account] !== 'Bank') refuse('INVALID_KEY_OR_REF', `Invalid account reference key ${account || '(none)'}: not a bank account.`)
    record.total = money(body.payment, 'payment')
    if (record.total.lte(0)) refuse('USER_ERROR', 'The payment amount must be greater than zero.')
    record.applied = this.applications(body, customer.id, record.total)
    return record
  }

  private journal(record: StoredRecord): StoredRecord {
    const lines = sublist(record.body.line)
    if (lines.length < 2) refuse('USER_ERROR', 'A journal entry needs at least two lines.')
    let debits = new Dec(0)
    let credits = new Dec(0)
    for (const line of lines) {
      const account = refId(line.account)
      if (!(account in this.options.accounts)) refuse('INVALID_KEY_OR_REF', `Invalid account reference key ${account || '(none)'}.`)
      if ((line.debit === undefined) === (line.credit === undefined)) refuse('USER_ERROR', 'Each journal line takes a debit or a credit amount, not both.')
      if (line.entity !== undefined) this.customer(line.entity)
      if (line.debit !== undefined) debits = debits.plus(money(line.debit, 'debit'))
      else credits = credits.plus(money(line.credit, 'credit'))
    }
    if (!debits.eq(credits))
      refuse('USER_ERROR', `The debits (${debits.toFixed()}) and credits (${credits.toFixed()}) of this journal entry are out of balance.`)
    record.total = debits
    return record
  }

  private isVoided(invoiceId: string): boolean {
    return this.of('creditMemo').some((m) => m.voids === invoiceId)
  }

  /** open | paid | void: as the contract suite reads an invoice. */
  invoiceState(invoiceId: string): string {
    if (this.isVoided(invoiceId)) return 'void'
    return this.records.get(invoiceId)!.remaining.isZero() ? 'paid' : 'open'
  }
}

function refuse(code: string, message: string): never {
  throw new NetSuiteRefusal(code, message)
}

function refId(value: unknown): string {
  const id = (value as { id?: unknown } | undefined)?.id
  return typeof id === 'string' ? id : ''
}

function sublist(value: unknown): Rec[] {
  const items = (value as { items?: unknown } | undefined)?.items
  return Array.isArray(items) ? (items as Rec[]) : []
}

function decimal(value: unknown, field: string): Dec {
  if (typeof value !== 'string') refuse('INVALID_FLD_VALUE', `${field} must be a number.`)
  return new Dec(value)
}

// NOTE: stricter than NetSuite, which rounds an amount to the currency's precision: refusing
// makes a test see the digits the adapter would have lost.
function money(value: unknown, field: string): Dec {
  const amount = decimal(value, field)
  if (amount.decimalPlaces() > 2) refuse('INVALID_FLD_VALUE', `${field} ${amount.toFixed()} has more than 2 decimal places.`)
  return amount
}

function dateOf(value: unknown): void {
  if (typeof value !== 'string' || !DATE.test(value)) refuse('INVALID_FLD_VALUE', `Invalid date value ${String(value)} (YYYY-MM-DD).`)
}
