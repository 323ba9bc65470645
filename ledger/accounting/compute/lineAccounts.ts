// Where an invoice line's amount goes when its invoice posts. Every line is read as a credit
// of its signed amount to one account (a negative amount is a debit), and accounts receivable
// takes the total: that is what makes an invoice entry balance by construction.
//
// | line kind (timing)                                        | account role                        |
// | --------------------------------------------------------- | ----------------------------------- |
// | revenue lines billed in advance with a ratable method      | deferred_revenue, until its schedule recognises it |
// | usage, adjustment, or any line of a metered product       | revenue_usage                       |
// | flat_fee and other lines of a non-metered product          | revenue_subscription                |
// | a line whose product is mapped as one-time                 | revenue_one_time                    |
// | minimum_commitment (true-up for usage short of it)         | revenue_usage                       |
// | commitment_overage (spend above a commitment, × factor)    | revenue_usage                       |
// | discount, maximum_spend (negative: price concessions)      | discounts (contra-revenue)          |
// | credit, prepaid_drawdown (negative), prepayment (positive) | customer_credits                    |
// | rounding                                                  | rounding                            |
import type { AccountRole } from './journalDraft.ts'
import { isRatable, recognitionMethod, revenueSchedule, type RecognitionMethod, type RevenueKind, type ScheduleLine } from './revenueSchedule.ts'

/** An invoice line as the posting rules read it (ledger `invoice_lines`, plus its product's revenue settings). */
export interface InvoiceLineForPosting {
  id: string
  timing: 'in_advance' | 'in_arrears' | 'adjustment' | 'invoice'
  /** rating's LineKind (`usage`, `flat_fee`, `discount`, `credit`, …) or `adjustment`. */
  kind: string
  /** Signed decimal text in the invoice's minor units. */
  amount: string
  description: string
  productId: string | null
  /** Whether the product is bound to a billable metric (the line has a metric name). */
  metered: boolean
  /** `YYYY-MM-DD`, `periodEnd` exclusive; null for invoice-level lines. */
  periodStart: string | null
  periodEnd: string | null
  /** The product's revenue kind when its mapping names one (e.g. `one_time`). */
  revenueKind?: RevenueKind | null
  /** The product's recognition method when its mapping names one. */
  method?: RecognitionMethod | null
}

export interface LinePlan {
  role: AccountRole
  /** Revenue lines only: what kind of revenue, and how it is recognised. */
  revenueKind: RevenueKind | null
  method: RecognitionMethod | null
  /** Credited to deferred revenue now, recognised by its schedule later. */
  deferred: boolean
}

const REVENUE_ROLE: Record<RevenueKind, AccountRole> = { subscription: 'revenue_subscription', usage: 'revenue_usage', one_time: 'revenue_one_time' }
const NON_REVENUE: Partial<Record<string, AccountRole>> = {
  discount: 'discounts',
  maximum_spend: 'discounts',
  credit: 'customer_credits',
  prepaid_drawdown: 'customer_credits',
  prepayment: 'customer_credits',
  rounding: 'rounding',
}

/** The revenue account role of a revenue kind. */
export function revenueRole(kind: RevenueKind): AccountRole {
  return REVENUE_ROLE[kind]
}

/** The revenue kind a revenue account's role stands for (a product mapped to a one-time account bills one-time revenue); null for other roles. */
export function revenueKindOfRole(role: AccountRole | null): RevenueKind | null {
  const kind = (Object.keys(REVENUE_ROLE) as RevenueKind[]).find((k) => REVENUE_ROLE[k] === role)
  return kind ?? null
}

export function planLine(line: InvoiceLineForPosting): LinePlan {
  const role = NON_REVENUE[line.kind]
  if (role !== undefined) return { role, revenueKind: null, method: null, deferred: false }
  const usageKind =
    line.kind === 'usage' || line.kind === 'adjustment' || line.kind === 'minimum_commitment' || line.kind === 'commitment_overage' || line.metered
  const revenueKind = line.revenueKind ?? (usageKind ? 'usage' : 'subscription')
  const method = recognitionMethod(revenueKind, line.method)
  const deferred = line.timing === 'in_advance' && line.periodStart !== null && line.periodEnd !== null && isRatable(method)
  return { role: deferred ? 'deferred_revenue' : REVENUE_ROLE[revenueKind], revenueKind, method, deferred }
}

/**
 * The schedule of a deferred line (its service period, its method); null for every other line,
 * which its invoice entry recognises when it posts.
 */
export function deferredSchedule(line: InvoiceLineForPosting, minorUnits: number): ScheduleLine[] | null {
  const plan = planLine(line)
  if (!plan.deferred || plan.method === null || !isRatable(plan.method)) return null
  return revenueSchedule({ method: plan.method, amount: line.amount, minorUnits, servicePeriod: { start: line.periodStart!, end: line.periodEnd! } })
}
