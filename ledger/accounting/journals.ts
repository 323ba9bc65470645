// Posts journal entries and reads them back. Posting is idempotent by source: the first post of
// `(org, source.kind, source.key)` writes the entry and its lines in one transaction, any later
// post of the same source returns that entry and writes nothing. An entry dated into a closed
// period is posted on the first day of the first open one (periods.ts); `datedOn` keeps the
// date it asked for. One entry or many are posted the same way (`postManyIn`: a rating chunk's
// finalized invoices, issue 20): a few reads for all of them, then entries and lines in
// multi-row inserts; a source given twice is posted once, by its first draft.
import { Decimal } from 'decimal.js'
import { and, asc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm'
import { UnprocessableError } from '../../platform/errors.ts'
import { groupBy } from '../../platform/groupBy.ts'
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
import { queueEntriesIn } from '../erp/erpOutboxWrites.ts'
import { chunks } from '../invoiceBulkWrites.ts'

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
  /** When it is posted (the caller's clock): the entry's `created_at`, and its ERP documents' queueing. */
  at: Date
  /** The entry this one reverses (a correction); one reversal per entry. */
  reversesEntryId?: string
}

/** One entry of `postManyIn`. */
export interface PostItem extends PostOptions {
  draft: JournalEntryDraft
}

export interface JournalFilters {
  /** Inclusive bounds on `postedOn`, `YYYY-MM-DD`. */
  from?: string
  to?: string
  sourceKind?: JournalSourceKind
  /** Only entries after this one in posting order (the last of the previous page). */
  after?: JournalCursor
  /** At most this many entries. */
  limit?: number
}

/** Where an entry is in posting order: its accounting date, when it was posted (ISO, ms), its id. */
export interface JournalCursor {
  postedOn: string
  createdAt: string
  id: string
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
  post(draft: JournalEntryDraft, opts: PostOptions): Promise<PostedEntry>
  /** `post` inside the caller's transaction (`tx` from `db.transaction`), so an entry commits with the change that causes it. */
  postIn(tx: Database, draft: JournalEntryDraft, opts: PostOptions): Promise<PostedEntry>
  /** `postIn` of many entries at once: the same checks and answers, in the items' order, with a few statements for all of them. */
  postManyIn(tx: Database, items: readonly PostItem[]): Promise<PostedEntry[]>
  /** Entries in posting order (`postedOn`, then when posted). */
  list(orgId: string, filters?: JournalFilters): Promise<PostedEntry[]>
  /** Every entry with a line naming the invoice, in posting order. */
  entryTrail(orgId: string, invoiceId: string): Promise<PostedEntry[]>
  /** Per account and currency, the entries posted on or before `asOf` (`YYYY-MM-DD`); amounts in the currency's minor units. */
  trialBalance(orgId: string, asOf: string): Promise<TrialBalanceRow[]>
}

/** Entries after `c` in posting order (postedOn, createdAt, id): a row comparison, so equal dates are neither skipped nor repeated. */
function afterEntry(c: JournalCursor): SQL {
  const postedOn = assertDate(c.postedOn, 'cursor')
  return sql`(${journalEntries.postedOn}, ${journalEntries.createdAt}, ${journalEntries.id}) > (${postedOn}::date, ${c.createdAt}::timestamptz, ${c.id}::uuid)`
}

type EntryRow = typeof journalEntries.$inferSelect
type LineRow = typeof journalLines.$inferSelect

/** An entry row and its stored lines (any order) as the repository answers it. */
function postedEntry(row: EntryRow, lines: readonly LineRow[]): PostedEntry {
  return {
    id: row.id,
    orgId: row.orgId,
    source: { kind: row.sourceKind, key: row.sourceKey },
    datedOn: row.datedOn,
    postedOn: row.postedOn,
    memo: row.memo,
    reversesEntryId: row.reversesEntryId,
    createdAt: toIso(row.createdAt),
    lines: [...lines]
      .sort((a, b) => a.position - b.position)
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
  }
}

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
  const byEntry = groupBy(lines, (l) => l.entryId)
  return rows.map((row) => postedEntry(row, byEntry.get(row.id) ?? []))
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

const sourceOf = (e: { orgId: string; source: { kind: string; key: string } }) => `${e.orgId}/${e.source.kind}/${e.source.key}`
const rowSource = (r: EntryRow) => sourceOf({ orgId: r.orgId, source: { kind: r.sourceKind, key: r.sourceKey } })

/** The entries already posted for these drafts' sources, by source: one query per organisation. */
async function entriesBySource(tx: Database, drafts: readonly JournalEntryDraft[]): Promise<Map<string, EntryRow>> {
  const found = new Map<string, EntryRow>()
  for (const [orgId, mine] of groupBy(drafts, (d) => d.orgId)) {
    const wanted = new Set(mine.map(sourceOf))
    const rows = await tx
      .select()
      .from(journalEntries)
      .where(
        and(
          eq(journalEntries.orgId, orgId),
          inArray(journalEntries.sourceKind, [...new Set(mine.map((d) => d.source.kind))]),
          inArray(journalEntries.sourceKey, [...new Set(mine.map((d) => d.source.key))]),
        ),
      )
    for (const row of rows) if (wanted.has(rowSource(row))) found.set(rowSource(row), row)
  }
  return found
}

/** Refuses, before any write, lines in an unknown currency, finer than its minor units, or on an account the chart lacks. */
async function checkAgainstLedger(tx: Database, drafts: readonly JournalEntryDraft[]): Promise<void> {
  for (const [orgId, mine] of groupBy(drafts, (d) => d.orgId)) {
    const currencies = await createCurrencyRepository(tx).table(orgId)
    const codes = [...new Set(mine.flatMap((d) => d.lines.map((l) => l.account)))]
    const chart = await tx
      .select({ code: accounts.code, archivedAt: accounts.archivedAt })
      .from(accounts)
      .where(and(eq(accounts.orgId, orgId), inArray(accounts.code, codes)))
    const byCode = new Map(chart.map((a) => [a.code, a]))
    for (const draft of mine) {
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
  }
}

/** The entry row to insert for a draft: dated into a closed month, it posts on the first day of the first open one. */
async function entryRows(tx: Database, items: readonly PostItem[]): Promise<(typeof journalEntries.$inferInsert)[]> {
  const openPeriods = new Map<string, string>()
  const rows: (typeof journalEntries.$inferInsert)[] = []
  for (const { draft, reversesEntryId, at } of items) {
    const asked = `${draft.orgId}/${periodOf(draft.postedOn)}`
    const period = openPeriods.get(asked) ?? (await firstOpenPeriodIn(tx, draft.orgId, draft.postedOn))
    openPeriods.set(asked, period)
    rows.push({
      orgId: draft.orgId,
      sourceKind: draft.source.kind,
      sourceKey: draft.source.key,
      datedOn: draft.postedOn,
      postedOn: period === periodOf(draft.postedOn) ? draft.postedOn : `${period}-01`,
      memo: draft.memo,
      reversesEntryId: reversesEntryId ?? null,
      createdAt: at,
    })
  }
  return rows
}

function lineRows(draft: JournalEntryDraft, entryId: string): (typeof journalLines.$inferInsert)[] {
  return draft.lines.map((line, position) => ({
    orgId: draft.orgId,
    entryId,
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
  }))
}

/** Checked drafts posted in the caller's transaction; the answers in the items' order. */
async function postChecked(tx: Database, items: readonly PostItem[]): Promise<PostedEntry[]> {
  // Organisations in one order, so two posting transactions take their shared locks alike.
  for (const orgId of [...new Set(items.map((i) => i.draft.orgId))].sort()) await lockPeriods(tx, orgId, 'post')
  const earlier = await entriesBySource(
    tx,
    items.map((i) => i.draft),
  )
  const fresh = new Map<string, PostItem>()
  for (const item of items) if (!earlier.has(sourceOf(item.draft)) && !fresh.has(sourceOf(item.draft))) fresh.set(sourceOf(item.draft), item)
  await checkAgainstLedger(
    tx,
    [...fresh.values()].map((i) => i.draft),
  )
  const inserted = new Map<string, EntryRow>()
  for (const [orgId, mine] of groupBy([...fresh.values()], (i) => i.draft.orgId)) {
    try {
      for (const part of chunks(await entryRows(tx, mine))) {
        const rows = await tx
          .insert(journalEntries)
          .values(part)
          .onConflictDoNothing({ target: [journalEntries.orgId, journalEntries.sourceKind, journalEntries.sourceKey] })
          .returning()
        for (const row of rows) inserted.set(rowSource(row), row)
      }
    } catch (err) {
      throw insertError(err, orgId)
    }
  }
  // A concurrent post of the same source committed first: its entry is the one.
  const raced = [...fresh].filter(([source]) => !inserted.has(source)).map(([, item]) => item.draft)
  for (const [source, row] of await entriesBySource(tx, raced)) earlier.set(source, row)
  const lines: LineRow[] = []
  for (const part of chunks([...inserted].flatMap(([source, row]) => lineRows(fresh.get(source)!.draft, row.id)))) {
    lines.push(...(await tx.insert(journalLines).values(part).returning()))
  }
  const linesOf = groupBy(lines, (l) => l.entryId)
  const posted = [...inserted.values()].map((row) => postedEntry(row, linesOf.get(row.id) ?? []))
  // The entries' ERP documents are queued in their transaction (DESIGN invariant 8; ledger/erp/erpOutboxWrites.ts).
  await queueEntriesIn(tx, posted)
  const answers = new Map([
    ...posted.map((e) => [sourceOf(e), e] as const),
    ...(await loadEntries(tx, [...earlier.values()])).map((e) => [sourceOf(e), e] as const),
  ])
  return items.map((i) => answers.get(sourceOf(i.draft))!)
}

export function createJournalRepository(db: Database): JournalRepository {
  const entriesWhere = async (where: SQL | undefined, limit?: number) => {
    const ordered = db.select().from(journalEntries).where(where).orderBy(asc(journalEntries.postedOn), asc(journalEntries.createdAt), asc(journalEntries.id))
    return loadEntries(db, await (limit === undefined ? ordered : ordered.limit(limit)))
  }

  return {
    async post(draft, opts) {
      checkJournalDraft(draft)
      return db.transaction(async (tx) => (await postChecked(tx as unknown as Database, [{ ...opts, draft }]))[0]!)
    },

    async postIn(tx, draft, opts) {
      checkJournalDraft(draft)
      return (await postChecked(tx, [{ ...opts, draft }]))[0]!
    },

    async postManyIn(tx, items) {
      for (const item of items) checkJournalDraft(item.draft)
      return postChecked(tx, items)
    },

    async list(orgId, filters = {}) {
      assertOrgId(orgId)
      return entriesWhere(
        and(
          eq(journalEntries.orgId, orgId),
          filters.from === undefined ? undefined : gte(journalEntries.postedOn, assertDate(filters.from, 'from')),
          filters.to === undefined ? undefined : lte(journalEntries.postedOn, assertDate(filters.to, 'to')),
          filters.sourceKind === undefined ? undefined : eq(journalEntries.sourceKind, filters.sourceKind),
          filters.after === undefined ? undefined : afterEntry(filters.after),
        ),
        filters.limit,
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
