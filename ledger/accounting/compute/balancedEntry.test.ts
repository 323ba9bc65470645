// assertBalanced: debits equal credits in each currency, amounts positive (the check the repository runs before posting).
import { describe, expect, it } from 'vitest'
import { assertBalanced } from './balancedEntry.ts'
import { journalLine } from '../journalLineFixture.ts'
import type { JournalEntryDraft } from './journalDraft.ts'

describe('assertBalanced', () => {
  const entry = (lines: [string, 'debit' | 'credit', string, string][]): JournalEntryDraft => ({
    orgId: 'org',
    source: { kind: 'invoice', key: 'k' },
    postedOn: '2024-01-01',
    memo: 'm',
    lines: lines.map(([account, side, amount, currency]) => journalLine(account, side, amount, { currency })),
  })

  it('accepts debits equal to credits in each currency', () => {
    expect(() =>
      assertBalanced(
        entry([
          ['1100', 'debit', '10.00', 'USD'],
          ['4000', 'credit', '10.00', 'USD'],
          ['1100', 'debit', '1000', 'JPY'],
          ['4000', 'credit', '1000', 'JPY'],
        ]),
      ),
    ).not.toThrow()
  })

  it('refuses an entry unbalanced in one currency, even when the sums across currencies match', () => {
    expect(() =>
      assertBalanced(
        entry([
          ['1100', 'debit', '10.00', 'USD'],
          ['4000', 'credit', '10.00', 'EUR'],
        ]),
      ),
    ).toThrow('does not balance in USD')
  })

  it('refuses a zero or negative amount', () => {
    expect(() => assertBalanced(entry([['1100', 'debit', '0.00', 'USD']]))).toThrow('not positive')
    expect(() =>
      assertBalanced(
        entry([
          ['1100', 'debit', '-1.00', 'USD'],
          ['4000', 'credit', '-1.00', 'USD'],
        ]),
      ),
    ).toThrow('not positive')
  })
})
