// parsePriceDefinition parses each price once by content (issue 20): a rating run prices every
// contract of a plan with the same definitions. The memo must answer exactly what the parse
// answers: the same data for a price it accepts, the same refusal for one it refuses (never
// remembered), the currency table still checked on every call.
import { describe, expect, it } from 'vitest'
import { currencyTable, isoCurrencies } from '../../platform/currency.ts'
import { TallyError } from '../../platform/errors.ts'
import { parsePriceDefinition, priceDefinitionSchema } from './priceDefinition.ts'

const tiered = {
  model: 'tiered',
  currency: 'USD',
  tiers: [
    { up_to: '1000', unit_price: '0.01' },
    { up_to: null, unit_price: '0.005' },
  ],
}

const outcome = (fn: () => unknown) => {
  try {
    return { data: fn() }
  } catch (err) {
    if (err instanceof TallyError) return { refused: `${err.code}:${err.details.map((d) => d.field).join(',')}` }
    throw err
  }
}

describe('parsePriceDefinition memo', () => {
  it('parses a price once by content: a copy of the same definition gets the same parsed price', () => {
    const first = parsePriceDefinition(tiered)
    expect(parsePriceDefinition(structuredClone(tiered))).toBe(first)
    expect(first).toEqual(priceDefinitionSchema.parse(tiered))
  })

  it('shares a frozen answer, so no caller can change the price the next one gets', () => {
    const price = parsePriceDefinition({ model: 'per_unit', currency: 'USD', unit_price: '2' })
    expect(Object.isFrozen(price)).toBe(true)
    expect(() => {
      ;(price as { unit_price: string }).unit_price = '3'
    }).toThrow(TypeError)
  })

  it('answers as the parse does for values next to a remembered one', () => {
    const perUnit = { model: 'per_unit', currency: 'USD', unit_price: '1' }
    parsePriceDefinition(perUnit)
    for (const value of [
      perUnit,
      { ...perUnit, free_unit: '10' }, // unknown field: refused
      { ...perUnit, free_units: undefined }, // an optional field given as undefined
      { ...perUnit, unexpected: undefined }, // an unknown field given as undefined
      { ...perUnit, unit_price: new Date(0) }, // not JSON: never memoised
      { ...perUnit, minimum_amount: '10', maximum_amount: '5' },
    ]) {
      const direct = priceDefinitionSchema.safeParse(value)
      for (let i = 0; i < 2; i++) {
        const got = outcome(() => parsePriceDefinition(value))
        if (direct.success) expect(got).toEqual({ data: direct.data })
        else expect(got.refused).toMatch(/^invalid_price_definition:/)
      }
    }
  })

  it('checks the currency table on every call, remembered or not', () => {
    const credits = { model: 'per_unit', currency: 'CREDITS', unit_price: '1' }
    const table = currencyTable([{ code: 'CREDITS', precision: 4 }])
    expect(parsePriceDefinition(credits, table).currency).toBe('CREDITS')
    expect(outcome(() => parsePriceDefinition(credits, isoCurrencies)).refused).toBe('invalid_price_definition:currency')
    expect(parsePriceDefinition(credits, table).currency).toBe('CREDITS')
  })
})
