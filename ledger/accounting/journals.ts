// Posts journal entries and reads them back. Posting is idempotent by source: the first post of
// `(org, source.kind, source.key)` writes the entry and its lines in one transaction, any later
// post of the same source returns that entry and writes nothing. An entry dated into a closed
// period is posted on the first day of the first open one (periods.ts); `datedOn` keeps the
// date it asked for.
import { Decimal } from 'decimal.js'
import { and, asc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm'
import { UnprocessableError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { assertDate } from '../contracts.ts'
import { createCurrencyRepository } from '../currencies.ts'
import { assertOrgId, isUuid, toIso } from '../ids.ts'
import { insertError } from '../insertError.ts'
import { accounts, journalEntries, journalLines } from '../schema/accounting.ts'
import type { AccountType } from './compute/chartOfAccounts.ts'
import { accountNotFound } from './accounts.ts'
import { checkJournalDraft } from './checkJournalDraft.ts'
import type { JournalEntryDraft, JournalLineDraft, JournalSourceKind } from './compute/journalDraft.ts'
import { inMinorUnits } from './compute/minorUnitAmounts.ts'
import { firstOpenPeriodIn, lockPeriods, periodOf } from './periods.ts'
import { queueEntryIn } from '../erp/erpOutboxWrites.ts'

export interface PostedEntry {
  id: string
  orgId: string
  source: { kind: JournalSourceKind; key: string }
  /** The date the draft asked for. */
  datedOn: string
  /** The accounting date: `datedOn`, or the first day of the first open period after it. */
  postedOn: string
  memo: string
  reversesEntryId: string | null
  createdAt: string
  lines: (JournalLineDraft & { position: number })[]
}

export interface PostOptions {
  /** The entry this one reverses (a correction); one reversal per entry. */
  reversesEntryId?: string
}

export interface JournalFilters {
  /** Inclusive bounds on `postedOn`, `YYYY-MM-DD`. */
  from?: string
  to?: string
  sourceKind?: JournalSourceKind
}

export interface TrialBalanceRow {
  account: string
  name: string
  type: AccountType
  currency: string
  debits: string
  credits: string
  /** Debits minus credits: positive for a debit balance. Per currency the balances sum to zero. */
  balance: string
}

export interface JournalRepository {
  /** 422 `journal_unbalanced`, `invalid_amount` before any query; `account_not_found`, `account_archived`, `invalid_currency` before any write. */
  post(draft: JournalEntryDraft, opts?: PostOptions): Promise<PostedEntry>
  /** `post` inside the caller's transaction (`tx` from `db.transaction`), so an entry commits with the change that causes it. */
  postIn(tx: Database, draft: JournalEntryDraft, opts?: PostOptions): Promise<PostedEntry>
  /** Entries in posting order (`postedOn`, then when posted). */
  list(orgId: string, filters?: JournalFilters): Promise<PostedEntry[]>
  /** Every entry with a line naming the invoice, in posting order. */
  entryTrail(orgId: string, invoiceId: string): Promise<PostedEntry[]>
  /** Per account and currency, the entries posted on or before `asOf` (`YYYY-MM-DD`); amounts in the currency's minor units. */
  trialBalance(orgId: string, asOf: string): Promise<TrialBalanceRow[]>
}

type EntryRow = typeof journalEntries.$inferSelect

/** Reads entries and their lines (one query each) in the given order. */
export async function loadEntries(db: Database, rows: EntryRow[]): Promise<PostedEntry[]> {
  if (rows.length === 0) return []
  const lines = await db
    .select()
    .from(journalLines)
    .where(
      inArray(
        journalLines.entryId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(journalLines.position))
  return rows.map((row) => ({
    id: row.id,
    orgId: row.orgId,
    source: { kind: row.sourceKind, key: row.sourceKey },
    datedOn: row.datedOn,
    postedOn: row.postedOn,
    memo: row.memo,
    reversesEntryId: row.reversesEntryId,
    createdAt: toIso(row.createdAt),
    lines: lines
      .filter((l) => l.entryId === row.id)
      .map((l) => {
        const debit = new Decimal(l.debit).greaterThan(0)
        return {
          position: l.position,
          account: l.accountCode,
          side: debit ? ('debit' as const) : ('credit' as const),
          amount: debit ? l.debit : l.credit,
          currency: l.currency,
          customerId: l.customerId,
          contractId: l.contractId,
          invoiceId: l.invoiceId,
          productId: l.productId,
          memo: l.memo,
        }
      }),
  }))
}

/** A posted entry as the draft it was posted from (its lines' positions dropped), for the rules that reverse entries. */
export function draftOf(entry: PostedEntry): JournalEntryDraft {
  return {
    orgId: entry.orgId,
    source: entry.source,
    postedOn: entry.postedOn,
    memo: entry.memo,
    lines: entry.lines.map(({ position: _position, ...line }) => line),
  }
}

async function entryBySource(tx: Database, draft: JournalEntryDraft): Promise<EntryRow | undefined> {
  const [row] = await tx
    .select()
    .from(journalEntries)
    .where(and(eq(journalEntries.orgId, draft.orgId), eq(journalEntries.sourceKind, draft.source.kind), eq(journalEntries.sourceKey, draft.source.key)))
  return row
}

/** Refuses, before any write, lines in an unknown currency, finer than its minor units, or on an account the chart lacks. */
async function checkAgainstLedger(tx: Database, draft: JournalEntryDraft): Promise<void> {
  const currencies = await createCurrencyRepository(tx).table(draft.orgId)
  const codes = [...new Set(draft.lines.map((l) => l.account))]
  const chart = await tx
    .select({ code: accounts.code, archivedAt: accounts.archivedAt })
    .from(accounts)
    .where(and(eq(accounts.orgId, draft.orgId), inArray(accounts.code, codes)))
  const byCode = new Map(chart.map((a) => [a.code, a]))
  draft.lines.forEach((line, i) => {
    const minor = currencies.minorUnits(line.currency)
    const field = (name: string, code: string, message: string) => new UnprocessableError(code, message, [{ field: `lines[${i}].${name}`, code, message }])
    if (minor === undefined) throw field('currency', 'invalid_currency', `${line.currency} is not a currency of this organisation`)
    if (new Decimal(line.amount).decimalPlaces() > minor) {
      throw field('amount', 'invalid_amount', `amounts in ${line.currency} have at most ${minor} decimals, got ${line.amount}`)
    }
    const account = byCode.get(line.account)
    if (account === undefined) throw accountNotFound(line.account, `lines[${i}].account`)
    if (account.archivedAt !== null) throw field('account', 'account_archived', `account ${line.account} is archived; post to its successor`)
  })
}

async function postChecked(tx: Database, draft: JournalEntryDraft, opts: PostOptions): Promise<PostedEntry> {
  await lockPeriods(tx, draft.orgId, 'post')
  const existing = await entryBySource(tx, draft)
  if (existing !== undefined) return (await loadEntries(tx, [existing]))[0]!
  await checkAgainstLedger(tx, draft)
  const period = await firstOpenPeriodIn(tx, draft.orgId, draft.postedOn)
  const postedOn = period === periodOf(draft.postedOn) ? draft.postedOn : `${period}-01`
  let inserted: EntryRow | undefined
  try {
    ;[inserted] = await tx
      .insert(journalEntries)
      .values({
        orgId: draft.orgId,
        sourceKind: draft.source.kind,
        sourceKey: draft.source.key,
        datedOn: draft.postedOn,
        postedOn,
        memo: draft.memo,
        reversesEntryId: opts.reversesEntryId ?? null,
      })
      .onConflictDoNothing({ target: [journalEntries.orgId, journalEntries.sourceKind, journalEntries.sourceKey] })
      .returning()
  } catch (err) {
    throw insertError(err, draft.orgId)
  }
  // A concurrent post of the same source committed first: its entry is the one.
  if (inserted === undefined) return (await loadEntries(tx, [(await entryBySource(tx, draft))!]))[0]!
  await tx.insert(journalLines).values(
    draft.lines.map((line, position) => ({
      orgId: draft.orgId,
      entryId: inserted.id,
      position,
      accountCode: line.account,
      debit: line.side === 'debit' ? line.amount : '0',
      credit: line.side === 'credit' ? line.amount : '0',
      currency: line.currency,
      customerId: line.customerId,
      contractId: line.contractId,
      invoiceId: line.invoiceId,
      productId: line.productId,
      memo: line.memo,
    })),
  )
  const entry = (await loadEntries(tx, [inserted]))[0]!
  // The entry's ERP documents are queued in its transaction (DESIGN invariant 8; ledger/erp/erpOutboxWrites.ts).
  await queueEntryIn(tx, entry)
  return entry
}

export function createJournalRepository(db: Database): JournalRepository {
  const entriesWhere = async (where: SQL | undefined) =>
    loadEntries(
      db,
      await db.select().from(journalEntries).where(where).orderBy(asc(journalEntries.postedOn), asc(journalEntries.createdAt), asc(journalEntries.id)),
    )

  return {
    async post(draft, opts = {}) {
      checkJournalDraft(draft)
      return db.transaction(async (tx) => postChecked(tx as unknown as Database, draft, opts))
    },

    async postIn(tx, draft, opts = {}) {
      checkJournalDraft(draft)
      return postChecked(tx, draft, opts)
    },

    async list(orgId, filters = {}) {
      assertOrgId(orgId)
      return entriesWhere(
        and(
          eq(journalEntries.orgId, orgId),
          filters.from === undefined ? undefined : gte(journalEntries.postedOn, assertDate(filters.from, 'from')),
          filters.to === undefined ? undefined : lte(journalEntries.postedOn, assertDate(filters.to, 'to')),
          filters.sourceKind === undefined ? undefined : eq(journalEntries.sourceKind, filters.sourceKind),
        ),
      )
    },

    async entryTrail(orgId, invoiceId) {
      assertOrgId(orgId)
      if (!isUuid(invoiceId)) return []
      const withInvoice = db
        .select({ id: journalLines.entryId })
        .from(journalLines)
        .where(and(eq(journalLines.orgId, orgId), eq(journalLines.invoiceId, invoiceId)))
      return entriesWhere(and(eq(journalEntries.orgId, orgId), inArray(journalEntries.id, withInvoice)))
    },

    async trialBalance(orgId, asOf) {
      assertOrgId(orgId)
      assertDate(asOf, 'as_of')
      const currencies = await createCurrencyRepository(db).table(orgId)
      // Sums stay numeric in Postgres and leave as text (DESIGN invariant 3), written in each currency's minor units.
      const rows = await db
        .select({
          account: journalLines.accountCode,
          name: accounts.name,
          type: accounts.type,
          currency: journalLines.currency,
          debits: sql<string>`sum(${journalLines.debit})::text`,
          credits: sql<string>`sum(${journalLines.credit})::text`,
          balance: sql<string>`(sum(${journalLines.debit}) - sum(${journalLines.credit}))::text`,
        })
        .from(journalLines)
        .innerJoin(journalEntries, eq(journalEntries.id, journalLines.entryId))
        .innerJoin(accounts, and(eq(accounts.orgId, journalLines.orgId), eq(accounts.code, journalLines.accountCode)))
        .where(and(eq(journalLines.orgId, orgId), lte(journalEntries.postedOn, asOf)))
        .groupBy(journalLines.currency, journalLines.accountCode, accounts.name, accounts.type)
        .orderBy(asc(journalLines.currency), asc(journalLines.accountCode))
      return rows.map((r) => inMinorUnits(r, ['debits', 'credits', 'balance'], currencies))
    },
  }
}
