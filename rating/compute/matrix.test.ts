// Matrix cells are keyed by their dimension values as a structure, not as joined text (issue 18
// defect 4): the text "a=1, b=2, b=3" could be read as two different combinations, and a
// missing dimension read as "" and matched a cell whose value is the empty string.
import { describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import { previewPrice } from './ratePrice.ts'

function outcome(body: unknown): string {
  try {
    return previewPrice(body).amount
  } catch (err) {
    if (err instanceof TallyError) return `${err.code}:${err.details.map((d) => d.field).join(',')}`
    throw err
  }
}

describe('matrix combinations', () => {
  const price = {
    model: 'matrix',
    currency: 'USD',
    dimensions: ['a', 'b'],
    cells: [
      { when: { a: '1, b=2', b: '3' }, unit_price: '5' },
      { when: { a: '1', b: '' }, unit_price: '7' },
    ],
  }

  it('{a: "1", b: "2, b=3"} is not the cell {a: "1, b=2", b: "3"}: it is unpriced', () => {
    expect(outcome({ price, quantities: [{ dimensions: { a: '1, b=2', b: '3' }, quantity: '10' }] })).toBe('50.00')
    expect(outcome({ price, quantities: [{ dimensions: { a: '1', b: '2, b=3' }, quantity: '10' }] })).toBe('unpriced_combination:quantities[0].dimensions')
  })

  it('a missing dimension does not match a cell whose value is ""', () => {
    expect(outcome({ price, quantities: [{ dimensions: { a: '1', b: '' }, quantity: '10' }] })).toBe('70.00')
    expect(outcome({ price, quantities: [{ dimensions: { a: '1' }, quantity: '10' }] })).toBe('unpriced_combination:quantities[0].dimensions')
  })

  it('the two cells above are distinct, and a true duplicate is still refused', () => {
    const duplicate = { ...price, cells: [...price.cells, { when: { b: '3', a: '1, b=2' }, unit_price: '6' }] }
    expect(outcome({ price: duplicate, quantities: [] })).toBe('invalid_price_definition:price.cells[2].when')
  })

  it('adds up rows of one combination whatever the order of their keys', () => {
    const rows = [
      { dimensions: { a: '1', b: '' }, quantity: '1' },
      { dimensions: { b: '', a: '1' }, quantity: '2' },
    ]
    expect(previewPrice({ price, quantities: rows }).lines.map((l) => [l.quantity, l.amount])).toEqual([['3', '21.00']])
  })
})
