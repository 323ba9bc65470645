// Credits: prepaid or promotional grants that pay an invoice, drawn down in a fixed order
// and never below zero (neither the grant nor the invoice).
//
// Draw-down order (docs/pricing.md "Credits"):
//   1. only grants in the invoice's currency, granted on or before the invoice date and not
//      expired: expires_at is EXCLUSIVE, a grant expiring 2024-02-01 cannot pay an invoice
//      dated 2024-02-01;
//   2. lowest `priority` number first (priority 0 before 1);
//   3. then the soonest expiry first (grants without expiry last), so nothing expires unused
//      that could have been used;
//   4. then the oldest grant, then the id, so the order is total and repeatable.
// Each draw is min(remaining balance, amount still due), rounded DOWN to the minor unit so
// rounding can never overdraw a grant.
// Worked example: invoice 120.00; grants A 50.00 priority 1, B 100.00 priority 0 expiring
// 2024-03-01, C 30.00 priority 0 expiring 2024-02-15 → C pays 30.00, B pays 90.00 (10.00
// left), A pays nothing; the invoice total becomes 0.00.
import { z } from 'zod'
import type { Currency } from './currency.ts'
import { Dec } from '../../platform/decimal.ts'
import { minDec, nonNegativeDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import { isoDate } from './proration.ts'

export const creditGrantSchema = z.strictObject({
  id: z.string().min(1),
  /** Remaining balance of the grant. */
  amount: nonNegativeDecimal,
  /** Defaults to the invoice's currency code. */
  currency: z.string().optional(),
  priority: z.number().int().min(0).default(0),
  granted_at: isoDate.optional(),
  /** First day the grant can no longer be used. */
  expires_at: isoDate.optional(),
})
export type CreditGrant = z.infer<typeof creditGrantSchema>

export interface CreditDraw {
  id: string
  drawn: Dec
  remaining: Dec
}

function compareGrants(a: CreditGrant, b: CreditGrant): number {
  if (a.priority !== b.priority) return a.priority - b.priority
  const ea = a.expires_at ?? '9999-12-31'
  const eb = b.expires_at ?? '9999-12-31'
  if (ea !== eb) return ea < eb ? -1 : 1
  const ga = a.granted_at ?? ''
  const gb = b.granted_at ?? ''
  if (ga !== gb) return ga < gb ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** Whether a grant may pay an invoice dated `asOf` in `currency`. */
export function grantUsable(grant: CreditGrant, currency: Currency, asOf: string): boolean {
  if ((grant.currency ?? currency.code) !== currency.code) return false
  if (grant.granted_at !== undefined && grant.granted_at > asOf) return false
  return grant.expires_at === undefined || grant.expires_at > asOf
}

/** Draws grants against `due`; returns the credit lines (negative) and each grant's draw. */
export function drawCredits(grants: readonly CreditGrant[], due: Dec, currency: Currency, asOf: string): { lines: Line[]; draws: CreditDraw[] } {
  let left = due.isNegative() ? new Dec(0) : due
  const lines: Line[] = []
  const draws: CreditDraw[] = []
  for (const grant of [...grants].sort(compareGrants)) {
    const balance = new Dec(grant.amount)
    if (!grantUsable(grant, currency, asOf)) {
      draws.push({ id: grant.id, drawn: new Dec(0), remaining: balance })
      continue
    }
    const drawn = minDec(balance, left).toDecimalPlaces(currency.minorUnits, Dec.ROUND_DOWN)
    left = left.minus(drawn)
    draws.push({ id: grant.id, drawn, remaining: balance.minus(drawn) })
    if (drawn.greaterThan(0)) {
      lines.push({ kind: 'credit', description: `Credit ${grant.id}`, quantity: new Dec(1), amount: drawn.negated() })
    }
  }
  return { lines, draws }
}
