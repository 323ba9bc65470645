import { describe, expect, it } from 'vitest'
import { accountsToSeed, chartResolver, DEFAULT_CHART, roleAccounts } from './chartOfAccounts.ts'
import { ACCOUNT_ROLES, type AccountRole } from './journalDraft.ts'

describe('the default chart', () => {
  it('names one account per role, with the seeded codes', () => {
    expect(DEFAULT_CHART.map((a) => a.role).sort()).toEqual([...ACCOUNT_ROLES].sort())
    expect(DEFAULT_CHART.map((a) => [a.code, a.type])).toEqual([
      ['1000', 'asset'],
      ['1100', 'asset'],
      ['1150', 'asset'],
      ['2100', 'liability'],
      ['2200', 'liability'],
      ['2300', 'liability'],
      ['4000', 'revenue'],
      ['4100', 'revenue'],
      ['4200', 'revenue'],
      ['4900', 'contra_revenue'],
      ['6900', 'expense'],
    ])
  })
})

describe('chartResolver', () => {
  const chart = chartResolver(DEFAULT_CHART, new Map([['p-api', '4150']]))

  it('answers a role with its account', () => {
    expect(chart.accountFor('accounts_receivable')).toBe('1100')
    expect(chart.accountFor('revenue_usage', 'p-other')).toBe('4100')
  })

  it("answers a product's revenue with the product's own account, for revenue roles only", () => {
    expect(chart.accountFor('revenue_usage', 'p-api')).toBe('4150')
    expect(chart.accountFor('revenue_subscription', 'p-api')).toBe('4150')
    expect(chart.accountFor('deferred_revenue', 'p-api')).toBe('2100')
    expect(chart.accountFor('discounts', 'p-api')).toBe('4900')
  })

  it('refuses a chart without a role, or with a role twice', () => {
    expect(() => chartResolver(DEFAULT_CHART.filter((a) => a.role !== 'rounding')).accountFor('rounding')).toThrow('no account for role rounding')
    expect(() => chartResolver([...DEFAULT_CHART, { code: '1001', name: 'Bank', type: 'asset', role: 'cash' }])).toThrow('two accounts for role cash')
  })
})

describe('roleAccounts', () => {
  it('picks one account per role: the seeded one for a revenue role with several, else the lowest code; roleless and archived-out accounts play no part', () => {
    const accounts = [
      ...DEFAULT_CHART,
      { code: '4050', name: 'API revenue', type: 'revenue' as const, role: 'revenue_usage' as const },
      { code: '5000', name: 'Misc', type: 'expense' as const, role: null },
    ]
    const chart = chartResolver(roleAccounts(accounts), new Map([['p-api', '4050']]))
    expect(chart.accountFor('revenue_usage')).toBe('4100')
    expect(chart.accountFor('revenue_usage', 'p-api')).toBe('4050')
    const custom = roleAccounts([
      { code: '4300', name: 'B', type: 'revenue', role: 'revenue_usage' },
      { code: '4110', name: 'A', type: 'revenue', role: 'revenue_usage' },
    ])
    expect(custom).toEqual([{ code: '4110', name: 'A', type: 'revenue', role: 'revenue_usage' }])
  })
})

describe('accountsToSeed', () => {
  const stored = (code: string, role: AccountRole | null, archivedAt: string | null = null) => ({ code, role, archivedAt })
  const codes = (accounts: { code: string }[]) => accounts.map((a) => a.code)

  it('is the whole default chart for an organisation without accounts, and nothing once every role has an active account', () => {
    expect(accountsToSeed([])).toEqual(DEFAULT_CHART)
    expect(accountsToSeed(DEFAULT_CHART.map((a) => stored(a.code, a.role)))).toEqual([])
    // Every role held by other codes: nothing to seed, not even the free default codes.
    expect(accountsToSeed(DEFAULT_CHART.map((a) => stored(`9${a.code}`, a.role)))).toEqual([])
  })

  it('leaves out what the insert would conflict on: a code held (archived too), a non-revenue role held (archived too); revenue roles may repeat', () => {
    const partial = [
      stored('1000', 'cash'),
      stored('1001', 'accounts_receivable', '2026-01-01T00:00:00.000Z'),
      stored('4050', 'revenue_usage'),
      stored('4200', null),
    ]
    // 1100's role is held by the archived 1001, and 4200's code by a roleless account; 4100 joins 4050 as usage revenue.
    expect(codes(accountsToSeed(partial))).toEqual(['1150', '2100', '2200', '2300', '4000', '4100', '4900', '6900'])
  })

  it('a role whose accounts are all archived: a revenue role gets its default account when the code is free, a non-revenue role stays taken', () => {
    const archived = '2026-01-01T00:00:00.000Z'
    const others = DEFAULT_CHART.filter((a) => a.role !== 'revenue_one_time' && a.role !== 'cash').map((a) => stored(a.code, a.role))
    expect(codes(accountsToSeed([...others, stored('4210', 'revenue_one_time', archived), stored('1001', 'cash', archived)]))).toEqual(['4200'])
    expect(codes(accountsToSeed([...others, stored('4200', 'revenue_one_time', archived), stored('1000', 'cash')]))).toEqual([])
  })
})
