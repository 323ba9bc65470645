// Incremental (progressive) rating: usage on top of a quantity already billed in the same period,
// as threshold billing and pay-in-advance metered charges bill it (Lago's pay-in-advance charges:
// each event's fee is the period's price after it less the price before it). The usage's
// `billed_quantity` B and `quantity` q: amount = rate(B + q) − rate(B), both rated by the same
// model with every modifier (free units, tiers, line minimum and maximum, proration), each rounded
// as usual. So a period billed in increments adds up exactly to one rating of its total:
// Σ (rate(Bₖ₊₁) − rate(Bₖ)) = rate(total) − rate(0), to the minor unit.
// Lines: the lines of rate(B + q), then one `usage` line taking off what rate(B) billed.
// Worked example: graduated 1.00 up to 100 then 0.50, 90 billed, 30 more: rate(120) = 100.00 +
// 10.00, rate(90) = 90.00 → 110.00 − 90.00 = 20.00 (10 × 1.00 + 20 × 0.50).
import { Dec } from '../../platform/decimal.ts'
import { formatPlain } from './decimal.ts'
import { totalOf, type Line } from './lines.ts'
import type { Usage } from './usageInput.ts'

interface Rated {
  lines: Line[]
  applied: { free_units: Dec; minimum: Dec }
}

/** Rates `usage` incrementally with `rate` (ratePriceLines for one price), when it names a billed quantity. */
export function rateIncrement<R extends Rated>(usage: Usage & { billed_quantity: string }, rate: (u: Usage) => R, label: string): R {
  const billed = new Dec(usage.billed_quantity)
  const total = rate({ quantity: billed.plus(usage.quantity ?? '0').toFixed() })
  const before = rate({ quantity: billed.toFixed() })
  const already: Line = {
    kind: 'usage',
    description: `${label}: the first ${formatPlain(billed)} units, already billed`,
    quantity: billed.negated(),
    amount: totalOf(before.lines).negated(),
  }
  return {
    ...total,
    lines: [...total.lines, already],
    applied: {
      ...total.applied,
      free_units: total.applied.free_units.minus(before.applied.free_units),
      minimum: total.applied.minimum.minus(before.applied.minimum),
    },
  }
}
