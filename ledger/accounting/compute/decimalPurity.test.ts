// "No JS number touches an amount" (DESIGN invariant 3) in the accounting rules: a scan of every
// source in this folder for the ways a decimal becomes a float, and for wall-clock reads (time is
// an input: every date a rule uses comes from its document).
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const here = new URL('./', import.meta.url)
const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))

const FORBIDDEN: [RegExp, string][] = [
  [/\bNumber\(/, 'Number(…) converts to a float'],
  [/\bparseFloat\b/, 'parseFloat converts to a float'],
  [/\bparseInt\b/, 'parseInt converts to a number'],
  [/\.toNumber\(/, 'Decimal#toNumber converts to a float'],
  [/\.valueOf\(/, 'valueOf can turn a Decimal into a number-like string used arithmetically'],
  [/\bMath\./, 'Math works on floats'],
  [/new Date\(\s*\)/, 'new Date() reads the wall clock'],
  [/\bDate\.now\b/, 'Date.now reads the wall clock'],
  [/\bTemporal\.Now\b/, 'Temporal.Now reads the wall clock'],
]

describe('decimal purity of ledger/accounting/compute', () => {
  it('scans every rule', () => {
    expect(sources).toEqual(
      expect.arrayContaining(['allocate.ts', 'balancedEntry.ts', 'chartOfAccounts.ts', 'lineAccounts.ts', 'postingRules.ts', 'revenueSchedule.ts']),
    )
  })

  for (const file of sources) {
    it(`${file} never turns a decimal into a JS number nor reads the clock`, () => {
      const text = readFileSync(new URL(file, here), 'utf8')
      expect(FORBIDDEN.filter(([re]) => re.test(text)).map(([, why]) => why)).toEqual([])
    })
  }
})
