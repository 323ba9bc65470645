import { describe, expect, it } from 'vitest'
import { trialTotals, type TrialBalance } from './accounting.tsx'

const row = (account: string, currency: string, debits: string, credits: string): TrialBalance['data'][number] => ({
  account,
  name: account,
  type: 'asset',
  currency,
  debits,
  credits,
  balance: '0',
})

describe('trialTotals', () => {
  it('sums debits and credits per currency exactly: 100.75 + 0.10 + 0.20 = 101.05', () => {
    const rows = [
      row('1100', 'USD', '100.75', '100.75'),
      row('1000', 'USD', '0.10', '0.00'),
      row('4100', 'USD', '0.20', '0.30'),
      row('1100', 'EUR', '5.00', '5.00'),
    ]
    expect(trialTotals(rows)).toEqual([
      { currency: 'EUR', debits: '5.00', credits: '5.00' },
      { currency: 'USD', debits: '101.05', credits: '101.05' },
    ])
  })
})
