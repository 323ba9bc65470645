// The chart of accounts every organisation starts with, and how the posting rules find an
// account: they name a role (journalDraft.ts), the organisation's chart answers with a code.
// Codes follow the usual numbering (1xxx assets, 2xxx liabilities, 4xxx revenue, 6xxx
// expenses) and never change once seeded: an ERP mapping and every posted line refer to them.
import type { AccountRole } from './journalDraft.ts'

export const ACCOUNT_TYPES = ['asset', 'liability', 'revenue', 'contra_revenue', 'expense'] as const
export type AccountType = (typeof ACCOUNT_TYPES)[number]

export interface ChartAccount {
  code: string
  name: string
  type: AccountType
  role: AccountRole
}

/** The seeded default chart: one account per role. */
export const DEFAULT_CHART: readonly ChartAccount[] = [
  { code: '1000', name: 'Cash / undeposited funds', type: 'asset', role: 'cash' },
  { code: '1100', name: 'Accounts receivable', type: 'asset', role: 'accounts_receivable' },
  { code: '1150', name: 'Unbilled receivable', type: 'asset', role: 'unbilled_receivable' },
  { code: '2100', name: 'Deferred revenue', type: 'liability', role: 'deferred_revenue' },
  { code: '2200', name: 'Customer credits', type: 'liability', role: 'customer_credits' },
  { code: '2300', name: 'Tax payable', type: 'liability', role: 'tax_payable' },
  { code: '4000', name: 'Subscription revenue', type: 'revenue', role: 'revenue_subscription' },
  { code: '4100', name: 'Usage revenue', type: 'revenue', role: 'revenue_usage' },
  { code: '4200', name: 'One-time revenue', type: 'revenue', role: 'revenue_one_time' },
  { code: '4900', name: 'Discounts', type: 'contra_revenue', role: 'discounts' },
  { code: '6900', name: 'Rounding', type: 'expense', role: 'rounding' },
]

export type RevenueRole = Extract<AccountRole, `revenue_${string}`>

/**
 * Which account a posting rule debits or credits: `accountFor('revenue_usage', productId)` is the
 * product's own revenue account when it has one, else the role's account. The repository builds
 * one from its tables (`accounts`, `product_revenue_accounts`); tests build one with `chartResolver`.
 */
export interface ChartResolver {
  accountFor(role: AccountRole, productId?: string | null): string
}

/**
 * The account each role posts to, from an organisation's accounts (archived ones left out): one
 * per role. Revenue roles may name several accounts (per-product ones); the role's own is the
 * seeded one (DEFAULT_CHART's code) when the organisation has it, else the lowest code. Product
 * mappings override it per product (`chartResolver`).
 */
export function roleAccounts(accounts: readonly { code: string; name: string; type: AccountType; role: AccountRole | null }[]): ChartAccount[] {
  const byRole = new Map<AccountRole, ChartAccount>()
  const seeded = new Map(DEFAULT_CHART.map((a) => [a.role, a.code]))
  for (const a of [...accounts].sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0))) {
    if (a.role === null) continue
    const held = byRole.get(a.role)
    if (held === undefined || (held.code !== seeded.get(a.role) && a.code === seeded.get(a.role))) byRole.set(a.role, { ...a, role: a.role })
  }
  return [...byRole.values()]
}

/**
 * The default accounts seeding adds to an organisation's `stored` accounts (archived ones too):
 * none while every role has an active account; otherwise each default account whose code, and
 * whose role when it is not a revenue role, no stored account holds. That is exactly what
 * `insert … on conflict do nothing` of the default chart writes (codes are unique per
 * organisation, and so are non-revenue roles, archived or not), so the chart can be shown as it
 * will be without writing it.
 */
export function accountsToSeed(stored: readonly { code: string; role: AccountRole | null; archivedAt: unknown }[]): ChartAccount[] {
  const active = new Set(stored.filter((a) => a.archivedAt === null).map((a) => a.role))
  if (DEFAULT_CHART.every((a) => active.has(a.role))) return []
  const codes = new Set(stored.map((a) => a.code))
  const roles = new Set(stored.map((a) => a.role))
  return DEFAULT_CHART.filter((a) => !codes.has(a.code) && (a.role.startsWith('revenue_') || !roles.has(a.role)))
}

/** A resolver over a chart (one account per role) and per-product revenue accounts (productId → code). */
export function chartResolver(chart: readonly ChartAccount[], productRevenue: ReadonlyMap<string, string> = new Map()): ChartResolver {
  const byRole = new Map<AccountRole, string>()
  for (const account of chart) {
    if (byRole.has(account.role)) throw new Error(`the chart names two accounts for role ${account.role}`)
    byRole.set(account.role, account.code)
  }
  return {
    accountFor(role, productId) {
      const product = productId && role.startsWith('revenue_') ? productRevenue.get(productId) : undefined
      if (product !== undefined) return product
      const code = byRole.get(role)
      if (code === undefined) throw new Error(`the chart has no account for role ${role}`)
      return code
    },
  }
}
