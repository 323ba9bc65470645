// Building journal entries that balance, and checking that they do (DESIGN invariant 6; the
// database checks it again at commit). A rule states signed postings (+ debit, − credit) by
// account role; `entryOf` nets them per account and product, drops what nets to zero and writes
// positive amounts with a side.
import { Dec } from '../../../platform/decimal.ts'
import type { CurrencyTable } from '../../../platform/currency.ts'
import type { ChartResolver } from './chartOfAccounts.ts'
import type { AccountRole, JournalEntryDraft, JournalLineDraft, JournalSourceKind } from './journalDraft.ts'

/** What every rule needs besides its document: the organisation's chart and currency table. */
export interface PostingContext {
  chart: ChartResolver
  currencies: CurrencyTable
}

export interface Posting {
  role: AccountRole
  productId: string | null
  /** Signed: positive debits the account, negative credits it. */
  amount: Dec
}

export interface EntryHead {
  orgId: string
  source: { kind: JournalSourceKind; key: string }
  postedOn: string
  memo: string
  currency: string
  customerId: string | null
  contractId: string | null
  invoiceId: string | null
}

/** The currency's minor units from the organisation's table; never guessed. */
export function minorUnitsOf(currencies: CurrencyTable, currency: string): number {
  const units = currencies.minorUnits(currency)
  if (units === undefined) throw new RangeError(`currency ${currency} is not in the organisation's currency table`)
  return units
}

/** The entry of `postings`, netted per account and product; null when everything nets to zero. */
export function entryOf(head: EntryHead, postings: readonly Posting[], ctx: PostingContext): JournalEntryDraft | null {
  const minorUnits = minorUnitsOf(ctx.currencies, head.currency)
  const net = new Map<string, { account: string; productId: string | null; amount: Dec }>()
  for (const p of postings) {
    const account = ctx.chart.accountFor(p.role, p.productId)
    const key = `${account}\u0000${p.productId ?? ''}`
    const sofar = net.get(key)
    if (sofar) sofar.amount = sofar.amount.plus(p.amount)
    else net.set(key, { account, productId: p.productId, amount: p.amount })
  }
  const lines: JournalLineDraft[] = [...net.values()]
    .filter((n) => !n.amount.isZero())
    .map((n) => ({
      account: n.account,
      side: n.amount.isNegative() ? 'credit' : 'debit',
      amount: n.amount.abs().toFixed(minorUnits),
      currency: head.currency,
      customerId: head.customerId,
      contractId: head.contractId,
      invoiceId: head.invoiceId,
      productId: n.productId,
      memo: null,
    }))
  if (lines.length === 0) return null
  const entry: JournalEntryDraft = { orgId: head.orgId, source: head.source, postedOn: head.postedOn, memo: head.memo, lines }
  assertBalanced(entry)
  return entry
}

/** Per currency, debits − credits of the lines that do not balance (none: the entry balances). */
export function imbalances(lines: readonly Pick<JournalLineDraft, 'side' | 'amount' | 'currency'>[]): { currency: string; rest: Dec }[] {
  const balance = new Map<string, Dec>()
  for (const line of lines) {
    const signed = line.side === 'debit' ? new Dec(line.amount) : new Dec(line.amount).negated()
    balance.set(line.currency, (balance.get(line.currency) ?? new Dec(0)).plus(signed))
  }
  return [...balance].filter(([, rest]) => !rest.isZero()).map(([currency, rest]) => ({ currency, rest }))
}

/** Throws unless every amount is a positive decimal and, per currency, debits equal credits. */
export function assertBalanced(entry: JournalEntryDraft): void {
  for (const line of entry.lines) {
    if (!new Dec(line.amount).greaterThan(0)) throw new RangeError(`entry ${entry.source.kind} ${entry.source.key}: line amount ${line.amount} is not positive`)
  }
  for (const { currency, rest } of imbalances(entry.lines)) {
    throw new RangeError(`entry ${entry.source.kind} ${entry.source.key} does not balance in ${currency}: debits − credits = ${rest.toFixed()}`)
  }
}

/**
 * One entry reversing `entries` together (their net, per account, product and dimensions): the
 * void of an invoice with what its schedules recognised so far, or an accrual's reversal.
 * Null when they net to zero.
 */
export function reversalOf(
  entries: readonly JournalEntryDraft[],
  head: Omit<JournalEntryDraft, 'lines'>,
  ctx: Pick<PostingContext, 'currencies'>,
): JournalEntryDraft | null {
  const net = new Map<string, { line: JournalLineDraft; amount: Dec }>()
  for (const line of entries.flatMap((e) => e.lines)) {
    const key = [line.account, line.currency, line.customerId, line.contractId, line.invoiceId, line.productId].join('\u0000')
    const signed = line.side === 'debit' ? new Dec(line.amount).negated() : new Dec(line.amount)
    const sofar = net.get(key)
    if (sofar) sofar.amount = sofar.amount.plus(signed)
    else net.set(key, { line, amount: signed })
  }
  const lines = [...net.values()]
    .filter((n) => !n.amount.isZero())
    .map(({ line, amount }) => ({
      ...line,
      side: amount.isNegative() ? ('credit' as const) : ('debit' as const),
      amount: amount.abs().toFixed(minorUnitsOf(ctx.currencies, line.currency)),
      memo: null,
    }))
  if (lines.length === 0) return null
  const entry = { ...head, lines }
  assertBalanced(entry)
  return entry
}
