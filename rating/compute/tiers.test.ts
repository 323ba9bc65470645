import { describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import { normaliseTiers, tierFor, tierIssues, unitsInTier } from './tiers.ts'
import type { TierBoundsInput } from './tiers.ts'

const codes = (tiers: Parameters<typeof tierIssues>[0]) => tierIssues(tiers).map((i) => `${i.path.join('.')}:${i.code}`)

describe('tier bounds', () => {
  it('normalises up_to and inclusive ranges to the same (lower, upper] intervals', () => {
    const a = normaliseTiers<TierBoundsInput>([{ up_to: '100' }, { up_to: '500' }, { up_to: null }])
    const b = normaliseTiers<TierBoundsInput>([
      { first_unit: '1', last_unit: '100' },
      { first_unit: '101', last_unit: '500' },
      { first_unit: '501', last_unit: null },
    ])
    const show = (ts: typeof a) => ts.map((t) => `${t.lower.toFixed()}-${t.upper?.toFixed() ?? 'inf'}`)
    expect(show(a)).toEqual(['0-100', '100-500', '500-inf'])
    expect(show(b)).toEqual(show(a))
  })

  it('puts a quantity on a bound in the lower tier, and just above it in the next', () => {
    const tiers = normaliseTiers([{ up_to: '5' }, { up_to: '10' }, { up_to: null }])
    expect(tierFor(tiers, new Dec('0')).index).toBe(1)
    expect(tierFor(tiers, new Dec('5')).index).toBe(1)
    expect(tierFor(tiers, new Dec('5.000001')).index).toBe(2)
    expect(tierFor(tiers, new Dec('10')).index).toBe(2)
    expect(tierFor(tiers, new Dec('1e9')).index).toBe(3)
  })

  it('counts units inside a tier, zero when the tier is not reached', () => {
    const [t1, t2] = normaliseTiers([{ up_to: '5' }, { up_to: '10' }, { up_to: null }])
    expect(unitsInTier(t1!, new Dec('3.5')).toFixed()).toBe('3.5')
    expect(unitsInTier(t2!, new Dec('3.5')).toFixed()).toBe('0')
    expect(unitsInTier(t2!, new Dec('12')).toFixed()).toBe('5')
  })

  it('rejects gaps, overlaps, closed last tiers, open middle tiers and mixed notations at the bound', () => {
    expect(
      codes([
        { first_unit: '1', last_unit: '100' },
        { first_unit: '150', last_unit: null },
      ]),
    ).toEqual(['1.first_unit:tier_gap'])
    expect(
      codes([
        { first_unit: '0', last_unit: '100' },
        { first_unit: '100', last_unit: null },
      ]),
    ).toEqual(['1.first_unit:tier_overlap'])
    expect(
      codes([
        { first_unit: '5', last_unit: '100' },
        { first_unit: '101', last_unit: null },
      ]),
    ).toEqual(['0.first_unit:tier_gap'])
    expect(codes([{ up_to: '100' }, { up_to: '50' }, { up_to: null }])).toEqual(['1.up_to:tier_overlap'])
    expect(codes([{ up_to: '100' }, { up_to: '200' }])).toEqual(['1.up_to:last_tier_not_open'])
    expect(codes([{ up_to: null }, { up_to: null }])).toEqual(['0.up_to:open_tier_not_last'])
    expect(codes([{ up_to: '100' }, { first_unit: '101', last_unit: null }])).toContain('0:mixed_tier_notation')
    expect(
      codes([
        { first_unit: '0', last_unit: '1.5' },
        { first_unit: '2', last_unit: null },
      ]),
    ).toEqual(['0.first_unit:non_integer_range_bound'])
  })

  it('accepts a single open tier', () => {
    expect(tierIssues([{ up_to: null }])).toEqual([])
  })
})
