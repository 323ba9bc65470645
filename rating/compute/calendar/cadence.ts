// How often a contract bills. The contracts API accepts these three (ledger/contracts.ts,
// rating/http/billingSchemas.ts); a period is that many calendar months, from anchor day to
// anchor day (anchor.ts), never a fixed number of days.
export type Cadence = 'monthly' | 'quarterly' | 'annual'

const MONTHS: Record<Cadence, number> = { monthly: 1, quarterly: 3, annual: 12 }

/** Calendar months in one period of the cadence: 1, 3 or 12. */
export function cadenceMonths(cadence: Cadence): number {
  return MONTHS[cadence]
}
