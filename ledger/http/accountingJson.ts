// Accounts, journal entries and periods as the API answers them: snake_case, amounts as decimal
// strings. Typed against the answer schemas (accountingSchemas.ts) so the documented shape and
// the served shape cannot drift apart.
import type { z } from 'zod'
import type { Account, ChartAccount, ProductRevenueAccount } from '../accounting/accounts.ts'
import type { PostedEntry } from '../accounting/journals.ts'
import type { AccountingPeriod, PeriodEvent } from '../accounting/periods.ts'
import type { accountJson, journalEntryJson, periodJson, periodListJson, productMappingJson } from './accountingSchemas.ts'

export function accountToJson(a: Account): z.infer<typeof accountJson> {
  return { code: a.code, name: a.name, type: a.type, role: a.role, archived_at: a.archivedAt, created_at: a.createdAt, seeded: true }
}

/** An account of the default chart the organisation does not have yet (accounts.chart's `unseeded`). */
export function unseededAccountToJson(a: ChartAccount): z.infer<typeof accountJson> {
  return { code: a.code, name: a.name, type: a.type, role: a.role, archived_at: null, created_at: null, seeded: false }
}

export function mappingToJson(m: ProductRevenueAccount): z.infer<typeof productMappingJson> {
  return { product_id: m.productId, account_code: m.accountCode, method: m.method, accrue_usage: m.accrueUsage }
}

export function entryToJson(e: PostedEntry): z.infer<typeof journalEntryJson> {
  return {
    id: e.id,
    source_kind: e.source.kind,
    source_key: e.source.key,
    dated_on: e.datedOn,
    posted_on: e.postedOn,
    memo: e.memo,
    reverses_entry_id: e.reversesEntryId,
    created_at: e.createdAt,
    lines: e.lines.map((l) => ({
      position: l.position,
      account: l.account,
      side: l.side,
      amount: l.amount,
      currency: l.currency,
      customer_id: l.customerId,
      contract_id: l.contractId,
      invoice_id: l.invoiceId,
      product_id: l.productId,
      memo: l.memo,
    })),
  }
}

export function periodToJson(p: AccountingPeriod): z.infer<typeof periodJson> {
  return { period: p.period, status: p.status, closed_at: p.closedAt, closed_by: p.closedBy }
}

export function periodEventToJson(e: PeriodEvent): z.infer<typeof periodListJson>['events'][number] {
  return { period: e.period, action: e.action, reason: e.reason, actor: e.actor, at: e.at }
}
