// "No JS number touches an amount" (DESIGN invariant 3), enforced two ways:
// 1. a scan of every compute source for the ways a decimal becomes a float;
// 2. the schemas refuse JSON numbers for every money and quantity field.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import { previewPrice } from './ratePrice.ts'
import { parseInvoiceInput } from './rateInvoice.ts'

const here = new URL('./', import.meta.url)
const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))

const FORBIDDEN: [RegExp, string][] = [
  [/\bNumber\(/, 'Number(…) converts to a float'],
  [/\bparseFloat\b/, 'parseFloat converts to a float'],
  [/\bparseInt\b/, 'parseInt converts to a number'],
  [/\.toNumber\(/, 'Decimal#toNumber converts to a float'],
  [/\.valueOf\(/, 'valueOf can turn a Decimal into a number-like string used arithmetically'],
  [/\bMath\./, 'Math works on floats'],
  [/z\.number\(\)(?!\.int\(\))/, 'a non-integer z.number() would let a float carry a decimal field'],
  [/\bz\.coerce\b/, 'coercion would accept JSON numbers for decimal fields'],
]

describe('decimal purity of rating/compute', () => {
  it('scans a non-trivial set of sources', () => {
    expect(sources.length).toBeGreaterThan(20)
  })

  for (const file of sources) {
    it(`${file} never turns a decimal into a JS number`, () => {
      const text = readFileSync(new URL(file, here), 'utf8')
      const found = FORBIDDEN.filter(([re]) => re.test(text)).map(([, why]) => why)
      expect(found).toEqual([])
    })
  }

  const errorOf = (fn: () => unknown): TallyError => {
    try {
      fn()
    } catch (err) {
      if (err instanceof TallyError) return err
      throw err
    }
    throw new Error('expected a TallyError')
  }

  it.each([
    ['a unit price', { price: { model: 'per_unit', currency: 'USD', unit_price: 0.1 }, quantity: '1' }, 'price.unit_price'],
    ['a quantity', { price: { model: 'per_unit', currency: 'USD', unit_price: '0.1' }, quantity: 3 }, 'quantity'],
    [
      'a tier bound',
      {
        price: {
          model: 'tiered',
          currency: 'USD',
          tiers: [
            { up_to: 10, unit_price: '1' },
            { up_to: null, unit_price: '1' },
          ],
        },
        quantity: '1',
      },
      'price.tiers[0].up_to',
    ],
    ['a flat fee', { price: { model: 'flat_fee', currency: 'USD', amount: 500 } }, 'price.amount'],
    ['a transaction', { price: { model: 'percent', currency: 'USD', percent: '1' }, transactions: [12.5] }, 'transactions[0]'],
  ])('refuses a JSON number for %s', (_what, body, field) => {
    const err = errorOf(() => previewPrice(body))
    expect(err.details.map((d) => d.field)).toContain(field)
  })

  it('refuses JSON numbers for invoice amounts (credits, discounts, commitments)', () => {
    const err = errorOf(() =>
      parseInvoiceInput({
        currency: 'USD',
        as_of: '2024-01-01',
        lines: [{ id: 'a', price: { model: 'flat_fee', currency: 'USD', amount: '1' } }],
        credits: [{ id: 'c', amount: 5 }],
        discounts: [{ id: 'd', type: 'fixed', value: 5, scope: 'invoice' }],
        commitment: { kind: 'minimum', amount: 100 },
      }),
    )
    expect(err.details.map((d) => d.field).sort()).toEqual(['commitment.amount', 'credits[0].amount', 'discounts[0].value'])
  })

  it('refuses hex, Infinity and NaN spelled as strings', () => {
    for (const v of ['0x10', 'Infinity', 'NaN', '1,000']) {
      const err = errorOf(() => previewPrice({ price: { model: 'per_unit', currency: 'USD', unit_price: v }, quantity: '1' }))
      expect(err.code).toBe('invalid_price_definition')
    }
  })
})
