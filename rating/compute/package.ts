// Package: usage is sold in bundles of `package_size` units at `package_price` each.
//
// Options where vendors disagree (docs/pricing.md "Explicit options"):
// - partial_package: `round_up` (default; Zenskar and Lago bill a started package) or
//   `round_down` (only complete packages are billed).
// - zero_usage: `zero` (default; no usage, no package) or `charge` (one package is billed
//   even at zero usage, a minimum purchase of one bundle).
// - free units: by default they come off before rounding (see quantityPipeline.ts);
//   free_units_stage = `after_package_rounding` rounds the full usage to packages first and
//   then takes the free units off at the package's per-unit rate.
// Worked example (Lago's package model): 201 units, packages of 100 at 5.00, 100 free units
// → 201 − 100 = 101 units → ceil(101 / 100) = 2 packages → 2 × 5.00 = 10.00.
// Same with after_package_rounding and 50 free units: ceil(201 / 100) = 3 packages,
// minus 50 / 100 = 0.5 package → 2.5 × 5.00 = 12.50 (taking them off first gives
// ceil(151 / 100) = 2 → 10.00).
import { z } from 'zod'
import { commonPriceFields, zeroUsageSchema } from './commonFields.ts'
import { Dec } from '../../platform/decimal.ts'
import { formatPlain, maxDec, nonNegativeDecimal, positiveDecimal } from './decimal.ts'
import type { Line } from './lines.ts'
import type { ModelInput } from './modelInput.ts'

export const packageSchema = z.strictObject({
  model: z.literal('package'),
  ...commonPriceFields,
  package_size: positiveDecimal,
  package_price: nonNegativeDecimal,
  partial_package: z.enum(['round_up', 'round_down']).optional(),
  zero_usage: zeroUsageSchema.optional(),
})
export type PackagePrice = z.infer<typeof packageSchema>

export function pricePackage(price: PackagePrice, input: ModelInput): Line[] {
  const size = new Dec(price.package_size)
  const unitPrice = new Dec(price.package_price)
  const q = input.quantity
  const rounding = price.partial_package === 'round_down' ? Dec.ROUND_DOWN : Dec.ROUND_UP
  let packages = q.dividedBy(size).toDecimalPlaces(0, rounding)
  let note = `${formatPlain(q)} units in packages of ${formatPlain(size)}, ${price.partial_package === 'round_down' ? 'rounded down' : 'rounded up'}`
  if (q.isZero() && price.zero_usage === 'charge') {
    packages = new Dec(1)
    note = 'zero usage bills one package'
  }
  if (input.freeAfterRounding.greaterThan(0)) {
    const freePackages = input.freeAfterRounding.dividedBy(size)
    packages = maxDec(new Dec(0), packages.minus(freePackages))
    note += `, less ${formatPlain(freePackages)} free package(s)`
  }
  return [
    {
      kind: 'usage',
      description: `${price.description ?? 'Packages'}: ${formatPlain(packages)} × ${formatPlain(unitPrice)} (${note})`,
      quantity: packages,
      unit_price: unitPrice,
      amount: packages.times(unitPrice),
    },
  ]
}
