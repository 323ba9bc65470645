import { describe, expect, it } from 'vitest'
import { counted, table } from './output.ts'

describe('table', () => {
  it('names the columns in capitals and pads each to its widest cell', () => {
    expect(
      table([
        { id: 'a', name: 'Acme Corp' },
        { id: 'bb', name: 'B' },
      ]).split('\n'),
    ).toEqual(['ID  NAME', 'a   Acme Corp', 'bb  B'])
  })

  it('right-aligns the columns asked for and puts a footer below a rule', () => {
    const text = table(
      [
        { item: 'calls', amount: '1.50' },
        { item: 'storage', amount: '120.00' },
      ],
      ['item', 'amount'],
      { right: ['amount'], footer: { item: 'Total', amount: '121.50 USD' } },
    )
    expect(text.split('\n')).toEqual(['ITEM         AMOUNT', 'calls          1.50', 'storage      120.00', '-------  ----------', 'Total    121.50 USD'])
  })

  it('says (none) for no rows, and still prints a footer without rows', () => {
    expect(table([])).toBe('(none)')
    expect(table([], ['item', 'amount'], { footer: { item: 'Total', amount: '0.00 USD' } }).split('\n')).toEqual([
      'ITEM   AMOUNT',
      '-----  --------',
      'Total  0.00 USD',
    ])
  })
})

describe('counted', () => {
  it('writes the noun in the number the count takes', () => {
    expect([0, 1, 2].map((n) => counted(n, 'schedule line'))).toEqual(['0 schedule lines', '1 schedule line', '2 schedule lines'])
    expect([1, 3].map((n) => counted(n, 'entry', 'entries'))).toEqual(['1 entry', '3 entries'])
  })
})
