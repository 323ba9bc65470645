// The billed-period rule for amendments (pure): a monthly contract from 2026-01-01, 100.00 in
// advance and usage in arrears; invoice 0 (January 1st) billed January in advance, invoice 1
// (February 1st) January in arrears and February in advance.
import { describe, expect, it } from 'vitest'
import type { ContractItem, ContractPhase, ContractSide } from '../../ledger/ratingStore.ts'
import { checkContractChange } from './contractChange.ts'

const fee = (amount: string): ContractItem => ({ product_id: 'p-fee', billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount } })
const calls = (unit: string): ContractItem => ({ product_id: 'p-api', billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: unit } })
const schedule: ContractSide['schedule'] = { startDate: '2026-01-01', endDate: null, cadence: 'monthly', anchorDay: 1, renewal: 'auto_renew' }
const january: ContractPhase = { start_date: '2026-01-01', items: [fee('100.00'), calls('0.10')] }
const before = { schedule, phases: [january] }
const final = (...indexes: number[]) => indexes.map((i) => ({ number: i + 1, billingDate: `2026-0${i + 1}-01`, periodIndex: i }))
const problem = { field: 'start_date', code: 'phase_in_billed_period' }
const check = (after: ContractSide, finals: number[]) => () => checkContractChange({ before, after, final: final(...finals) }, problem)

describe('checkContractChange', () => {
  it('a fee from January 16th with January billed in advance and February 1st open: accepted (prorated there)', () => {
    const after = { schedule, phases: [january, { start_date: '2026-01-16', items: [fee('400.00'), calls('0.10')] }] }
    expect(check(after, [0])).not.toThrow()
  })

  it('the same once February 1st is final too: refused, naming the span and the way out', () => {
    const after = { schedule, phases: [january, { start_date: '2026-01-16', items: [fee('400.00'), calls('0.10')] }] }
    expect(check(after, [0, 1])).toThrow(
      expect.objectContaining({ code: 'phase_in_billed_period', message: expect.stringContaining('2026-01-16 to 2026-02-01') }),
    )
  })

  it('a usage price from January 16th once February 1st billed January in arrears: refused', () => {
    const after = { schedule, phases: [january, { start_date: '2026-01-16', items: [fee('100.00'), calls('5.00')] }] }
    expect(check(after, [0, 1])).toThrow(expect.objectContaining({ code: 'phase_in_billed_period' }))
    expect(check(after, [0])).not.toThrow()
  })

  it('ending on January 2nd after January was billed in advance: accepted (February 1st credits 30 days); a phase selling the same changes nothing', () => {
    const after = { schedule: { ...schedule, endDate: '2026-01-02', renewal: 'end' as const }, phases: [january] }
    expect(check(after, [0])).not.toThrow()
    expect(check(after, [0, 1])).toThrow(expect.objectContaining({ message: expect.stringContaining('2026-01-02 to 2026-02-01') }))
    expect(check({ schedule, phases: [january, { ...january, start_date: '2026-01-20' }] }, [0, 1])).not.toThrow()
  })
})
