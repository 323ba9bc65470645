// The JSON contract of the accounting endpoints (accountingRoutes.ts, reportRoutes.ts): the
// routes validate requests with these schemas and the same schemas document requests and
// answers in /openapi.json. Amounts are decimal strings; dates `YYYY-MM-DD`; periods `YYYY-MM`.
import { z } from 'zod'
import { ACCOUNT_TYPES } from '../accounting/compute/chartOfAccounts.ts'
import { ACCOUNT_ROLES, JOURNAL_SOURCE_KINDS } from '../accounting/compute/journalDraft.ts'
import { RECOGNITION_METHODS } from '../accounting/compute/revenueSchedule.ts'
import { REVENUE_GROUPS } from '../accounting/reports/revenue.ts'
import { PERIOD } from '../schema/accounting.ts'
import { encodePairCursor, pairCursorParam } from '../../platform/http/pairCursor.ts'
import type { JournalCursor } from '../accounting/journals.ts'
import { isUuid } from '../ids.ts'

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-11-30')
const period = z.string().regex(PERIOD, 'a month such as 2026-11')
const amount = z.string().describe('Decimal string in the line currency, e.g. "120.00"')
const timestamp = z.string().describe('ISO 8601, UTC')

// Requests.
export const createAccountRequest = z.strictObject({
  code: z.string().describe('1 to 32 letters, digits, ".", "_" or "-"; never changes (ERP mappings and posted lines refer to it)'),
  name: z.string().describe('1 to 100 characters'),
  type: z.enum(ACCOUNT_TYPES),
  role: z
    .enum(ACCOUNT_ROLES)
    .nullable()
    .optional()
    .describe('What the posting rules use it for; one account per non-revenue role, several revenue accounts may share a revenue role'),
})

export const productParams = z.object({ product_id: z.string().describe('The product id') })

export const mapProductRequest = z.strictObject({
  account_code: z.string().describe("A revenue account of the organisation's chart"),
  method: z.enum(RECOGNITION_METHODS).nullable().optional().describe("How the product's revenue is recognised; absent or null: its revenue kind's default"),
  accrue_usage: z
    .boolean()
    .optional()
    .describe(
      'Usage recognised as consumed: accrued at each month end when the month is closed (Dr Unbilled receivable / Cr Usage revenue), reversed when the invoice posts. Default false; usage revenue only (422 `accrue_usage_not_usage`)',
    ),
})

// The cursor is the pair [`posted_on|created_at`, id] of a page's last entry (pairCursor.ts).
const JOURNAL_CURSOR_KEY = /^(\d{4}-\d{2}-\d{2})\|(\d{4}-\d{2}-\d{2}T[0-9:.]+Z)$/
export const encodeJournalCursor = (c: JournalCursor): string => encodePairCursor(`${c.postedOn}|${c.createdAt}`, c.id)
const journalCursorParam = pairCursorParam((key) => JOURNAL_CURSOR_KEY.test(key))
  .refine((c) => isUuid(c.id), 'not a cursor this endpoint returned (next_cursor)')
  .transform((c): JournalCursor => {
    const [, postedOn, createdAt] = JOURNAL_CURSOR_KEY.exec(c.key)!
    return { postedOn: postedOn!, createdAt: createdAt!, id: c.id }
  })

export const journalQuery = z.object({
  from: date.optional().describe('Entries posted on or after this date'),
  to: date.optional().describe('Entries posted on or before this date'),
  source_kind: z.enum(JOURNAL_SOURCE_KINDS).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Entries per page (1–1000); with it the answer has `next_cursor`. Without it, every entry matching (as before)'),
  cursor: journalCursorParam.optional().describe('The `next_cursor` of the previous page (same filters)'),
})

export const periodParams = z.object({ period: period.describe('The month, e.g. 2026-11') })

export const reopenRequest = z.strictObject({ reason: z.string().max(500).describe('Why the month is reopened; required, it is the audit trail') })

const format = z.enum(['json', 'csv']).optional().describe('`csv` answers text/csv with a header row; JSON otherwise')
export const asOfQuery = z.object({ as_of: date.optional().describe("Inclusive; default: today (UTC) by the server's clock"), format })
export const waterfallQuery = z.object({ from: period.optional().describe('First month shown'), to: period.optional().describe('Last month shown'), format })
export const revenueQuery = z.object({
  from: date.describe('Entries posted on or after this date'),
  to: date.describe('Entries posted on or before this date'),
  group_by: z.enum(REVENUE_GROUPS).optional().describe('Default: product'),
  format,
})

// Answers.
export const accountJson = z.object({
  code: z.string(),
  name: z.string(),
  type: z.enum(ACCOUNT_TYPES),
  role: z.enum(ACCOUNT_ROLES).nullable(),
  archived_at: timestamp.nullable(),
  created_at: timestamp.nullable().describe('Null for an account of the default chart not seeded yet'),
  seeded: z
    .boolean()
    .describe('False for an account of the default chart the organisation does not have yet: its first posting (or change to the chart) seeds it as shown'),
})
export const accountListJson = z.object({
  data: z.array(accountJson),
  product_revenue_accounts: z.array(
    z.object({ product_id: z.string(), account_code: z.string(), method: z.enum(RECOGNITION_METHODS).nullable(), accrue_usage: z.boolean() }),
  ),
})
export const productMappingJson = z.object({
  product_id: z.string(),
  account_code: z.string(),
  method: z.enum(RECOGNITION_METHODS).nullable(),
  accrue_usage: z.boolean(),
})

export const journalEntryJson = z.object({
  id: z.string(),
  source_kind: z.enum(JOURNAL_SOURCE_KINDS),
  source_key: z.string(),
  dated_on: z.string().describe('The date the source document asked for'),
  posted_on: z.string().describe('The accounting date: dated_on, or the first day of the first open month after a closed one'),
  memo: z.string(),
  reverses_entry_id: z.string().nullable(),
  created_at: timestamp,
  lines: z.array(
    z.object({
      position: z.number().int(),
      account: z.string(),
      side: z.enum(['debit', 'credit']),
      amount,
      currency: z.string(),
      customer_id: z.string().nullable(),
      contract_id: z.string().nullable(),
      invoice_id: z.string().nullable(),
      product_id: z.string().nullable(),
      memo: z.string().nullable(),
    }),
  ),
})
export const journalListJson = z.object({
  data: z.array(journalEntryJson),
  next_cursor: z.string().nullable().optional().describe("With `limit`: the next page's `cursor`, null on the last page; absent without `limit`"),
})

export const periodJson = z.object({
  period: z.string(),
  status: z.enum(['open', 'closed']),
  closed_at: timestamp.nullable(),
  closed_by: z.string().nullable(),
})
export const closeJson = periodJson.extend({
  recognised_lines: z.number().int().describe('Schedule lines recognised by entries posted in the month'),
  entries_posted: z.number().int(),
  recognised: z.record(z.string(), amount).describe('Currency → revenue recognised in the month'),
  accruals_posted: z.number().int().describe('Usage accrual entries posted in the month (products with accrue_usage)'),
  accrued: z.record(z.string(), amount).describe('Currency → usage revenue accrued at the month end, not invoiced yet'),
  already_closed: z.boolean().describe('The month was closed before this call; nothing was posted'),
})
export const periodListJson = z.object({
  data: z.array(periodJson).describe('Months ever closed, in order; a month not listed is open'),
  events: z.array(
    z.object({ period: z.string(), action: z.enum(['close', 'reopen']), reason: z.string().nullable(), actor: z.string().nullable(), at: timestamp }),
  ),
})

export const trialBalanceJson = z.object({
  as_of: z.string(),
  data: z.array(
    z.object({
      account: z.string(),
      name: z.string(),
      type: z.enum(ACCOUNT_TYPES),
      currency: z.string(),
      debits: amount,
      credits: amount,
      balance: amount.describe('Debits minus credits; per currency the balances sum to zero'),
    }),
  ),
})

const waterfallAmounts = {
  currency: z.string(),
  amount: amount.describe('What the schedule recognises in all'),
  recognised: amount.describe('Of amount, what recognition entries have posted'),
  deferred: amount.describe('Of amount, what is still deferred'),
  months: z.record(z.string(), amount).describe('Month (YYYY-MM) → amount recognised in it; months without a line are absent'),
}
export const waterfallJson = z.object({
  months: z.array(z.string()).describe('The columns: every month with an amount, in order'),
  data: z.array(
    z.object({
      schedule_id: z.string(),
      invoice_id: z.string(),
      product_id: z.string().nullable(),
      product: z.string().nullable(),
      method: z.enum(RECOGNITION_METHODS),
      ...waterfallAmounts,
    }),
  ),
  totals: z.array(z.object(waterfallAmounts)).describe('The total row, one per currency'),
})

export const revenueJson = z.object({
  from: z.string(),
  to: z.string(),
  group_by: z.enum(REVENUE_GROUPS),
  data: z.array(
    z.object({
      group: z.string().nullable().describe("The product id, the customer's external id, or the month; null for lines naming no product or customer"),
      name: z.string().nullable(),
      currency: z.string(),
      revenue: amount.describe('Revenue account credits minus debits'),
    }),
  ),
})

export const arAgingJson = z.object({
  as_of: z.string(),
  data: z.array(
    z.object({
      customer_id: z.string(),
      customer: z.string().describe("The customer's external id"),
      customer_name: z.string(),
      currency: z.string(),
      current: amount.describe('Not past its due date'),
      days_1_30: amount,
      days_31_60: amount,
      days_61_90: amount,
      days_over_90: amount,
      total: amount,
    }),
  ),
})
