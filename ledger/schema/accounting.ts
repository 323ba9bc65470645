import { sql, type SQL } from 'drizzle-orm'
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { ACCOUNT_TYPES, type AccountType } from '../accounting/compute/chartOfAccounts.ts'
import { ACCOUNT_ROLES, JOURNAL_SOURCE_KINDS, type AccountRole, type JournalSourceKind } from '../accounting/compute/journalDraft.ts'
import { RECOGNITION_METHODS, type RecognitionMethod } from '../accounting/compute/revenueSchedule.ts'
import { contracts } from './contracts.ts'
import { customers } from './customers.ts'
import { invoiceLines, invoices } from './invoices.ts'
import { organisations } from './organisations.ts'
import { orderedId } from './orderedId.ts'
import { products } from './products.ts'

export type PeriodStatus = 'open' | 'closed'
export type PeriodAction = 'close' | 'reopen'

/** `YYYY-MM`: an accounting period is a calendar month (UTC). */
export const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/

/** `column in ('a', 'b')` from a constant list (the lists are ours, never user input). */
function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`
}

// An organisation's chart of accounts. `role` says what the posting rules use the account for;
// each non-revenue role names at most one account, while revenue roles may name several (a
// product can be mapped to its own revenue account, `product_revenue_accounts`).
export const accounts = pgTable(
  'accounts',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    type: text('type').$type<AccountType>().notNull(),
    role: text('role').$type<AccountRole>(),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'accounts_pkey', columns: [t.orgId, t.code] }),
    uniqueIndex('accounts_org_role_unique')
      .on(t.orgId, t.role)
      .where(sql`role is not null and role not like 'revenue_%'`),
    check('accounts_type', oneOf(t.type, ACCOUNT_TYPES)),
    check('accounts_role', sql`${t.role} is null or ${oneOf(t.role, ACCOUNT_ROLES)}`),
    check('accounts_code_format', sql`${t.code} ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$'`),
    check('accounts_name_not_blank', sql`length(btrim(${t.name})) between 1 and 100`),
  ],
)

// Which revenue account a product's lines credit, and optionally how its revenue is recognised
// (otherwise the default method of its revenue kind).
export const productRevenueAccounts = pgTable(
  'product_revenue_accounts',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    accountCode: text('account_code').notNull(),
    method: text('method').$type<RecognitionMethod>(),
    /**
     * Usage recognised *as consumed*: at each month end, metered usage not invoiced yet is
     * accrued (Dr Unbilled receivable / Cr Usage revenue) and reversed when its invoice posts.
     * False: usage revenue is recognised as billed.
     */
    accrueUsage: boolean('accrue_usage').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'product_revenue_accounts_pkey', columns: [t.orgId, t.productId] }),
    foreignKey({ name: 'product_revenue_accounts_account_fk', columns: [t.orgId, t.accountCode], foreignColumns: [accounts.orgId, accounts.code] }),
    check('product_revenue_accounts_method', sql`${t.method} is null or ${oneOf(t.method, RECOGNITION_METHODS)}`),
  ],
)

// A posted journal entry. It never changes (migration 0009's triggers); a correction is a
// reversing entry naming it. `(org_id, source_kind, source_key)` is unique, so posting the same
// source twice posts once. `dated_on` is the source document's date; `posted_on` the accounting
// date, later than `dated_on` when that fell into a closed period.
export const journalEntries = pgTable(
  'journal_entries',
  {
    id: orderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    sourceKind: text('source_kind').$type<JournalSourceKind>().notNull(),
    sourceKey: text('source_key').notNull(),
    datedOn: date('dated_on', { mode: 'string' }).notNull(),
    postedOn: date('posted_on', { mode: 'string' }).notNull(),
    memo: text('memo').notNull(),
    reversesEntryId: uuid('reverses_entry_id').references((): AnyPgColumn => journalEntries.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('journal_entries_source_unique').on(t.orgId, t.sourceKind, t.sourceKey),
    uniqueIndex('journal_entries_reverses_unique').on(t.reversesEntryId),
    index('journal_entries_org_posted_on').on(t.orgId, t.postedOn),
    check('journal_entries_source_kind', oneOf(t.sourceKind, JOURNAL_SOURCE_KINDS)),
    check('journal_entries_source_key_not_blank', sql`length(${t.sourceKey}) between 1 and 200`),
    check('journal_entries_posted_after_dated', sql`${t.postedOn} >= ${t.datedOn}`),
  ],
)

// One side of an entry: exactly one of debit and credit is positive, the other zero. Per
// entry and currency the debits equal the credits, checked at commit by a deferred
// constraint trigger (migration 0009), so no writer can leave an unbalanced entry.
export const journalLines = pgTable(
  'journal_lines',
  {
    id: orderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => journalEntries.id),
    position: integer('position').notNull(),
    accountCode: text('account_code').notNull(),
    debit: numeric('debit').notNull().default('0'),
    credit: numeric('credit').notNull().default('0'),
    currency: text('currency').notNull(),
    customerId: uuid('customer_id').references(() => customers.id),
    contractId: uuid('contract_id').references(() => contracts.id),
    invoiceId: uuid('invoice_id').references(() => invoices.id),
    productId: uuid('product_id').references(() => products.id),
    memo: text('memo'),
  },
  (t) => [
    unique('journal_lines_entry_position_unique').on(t.entryId, t.position),
    foreignKey({ name: 'journal_lines_account_fk', columns: [t.orgId, t.accountCode], foreignColumns: [accounts.orgId, accounts.code] }),
    index('journal_lines_org_invoice').on(t.orgId, t.invoiceId),
    index('journal_lines_org_account').on(t.orgId, t.accountCode),
    // The accruals of a rating chunk's contracts (usageAccruals.ts reverseAccrualsIn), without
    // reading the organisation's whole journal (issue 20).
    index('journal_lines_org_contract').on(t.orgId, t.contractId),
    check('journal_lines_one_side', sql`(${t.debit} > 0 and ${t.credit} = 0) or (${t.credit} > 0 and ${t.debit} = 0)`),
  ],
)

// A month's state. A period without a row is open; closing writes `closed`, reopening `open`,
// and each of those actions is recorded in `accounting_period_events`.
export const accountingPeriods = pgTable(
  'accounting_periods',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    period: text('period').notNull(),
    status: text('status').$type<PeriodStatus>().notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: text('closed_by'),
  },
  (t) => [
    primaryKey({ name: 'accounting_periods_pkey', columns: [t.orgId, t.period] }),
    check('accounting_periods_period', sql`${t.period} ~ ${sql.raw(`'${PERIOD.source}'`)}`),
    check('accounting_periods_status', sql`${t.status} in ('open', 'closed')`),
    check('accounting_periods_closed_at', sql`(${t.status} = 'closed') = (${t.closedAt} is not null)`),
  ],
)

/** The audit trail of closes and reopens; a reopen always says why. */
export const accountingPeriodEvents = pgTable(
  'accounting_period_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    period: text('period').notNull(),
    action: text('action').$type<PeriodAction>().notNull(),
    reason: text('reason'),
    actor: text('actor'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('accounting_period_events_org_period').on(t.orgId, t.period, t.at),
    check('accounting_period_events_action', sql`${t.action} in ('close', 'reopen')`),
    check('accounting_period_events_reopen_reason', sql`${t.action} <> 'reopen' or length(btrim(coalesce(${t.reason}, ''))) > 0`),
  ],
)

// How one invoice line's amount is recognised over its service period [start, end). The lines
// sum to `amount` exactly (the repository checks it); a line is recognised once, by the entry
// it names.
export const revenueSchedules = pgTable(
  'revenue_schedules',
  {
    id: orderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    invoiceLineId: uuid('invoice_line_id')
      .notNull()
      .references(() => invoiceLines.id),
    productId: uuid('product_id').references(() => products.id),
    method: text('method').$type<RecognitionMethod>().notNull(),
    amount: numeric('amount').notNull(),
    currency: text('currency').notNull(),
    serviceStart: date('service_start', { mode: 'string' }).notNull(),
    serviceEnd: date('service_end', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('revenue_schedules_invoice_line_unique').on(t.invoiceLineId),
    index('revenue_schedules_org_invoice').on(t.orgId, t.invoiceId),
    check('revenue_schedules_method', oneOf(t.method, RECOGNITION_METHODS)),
    check('revenue_schedules_service_period', sql`${t.serviceEnd} > ${t.serviceStart}`),
  ],
)

export const revenueScheduleLines = pgTable(
  'revenue_schedule_lines',
  {
    id: orderedId(),
    scheduleId: uuid('schedule_id')
      .notNull()
      .references(() => revenueSchedules.id),
    position: integer('position').notNull(),
    recogniseOn: date('recognise_on', { mode: 'string' }).notNull(),
    /** `YYYY-MM` of `recognise_on`: the period whose close recognises the line. */
    period: text('period').notNull(),
    amount: numeric('amount').notNull(),
    journalEntryId: uuid('journal_entry_id').references(() => journalEntries.id),
  },
  (t) => [
    unique('revenue_schedule_lines_schedule_position_unique').on(t.scheduleId, t.position),
    index('revenue_schedule_lines_period').on(t.period),
    check('revenue_schedule_lines_period', sql`${t.period} = to_char(${t.recogniseOn}, 'YYYY-MM')`),
  ],
)
