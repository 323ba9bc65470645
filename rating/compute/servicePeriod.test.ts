// A commitment and a maximum spend measured over the service period they cover (service_period), and charges
// billed on other invoices taken off before credits (billed_elsewhere), with the arithmetic.
import { describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import { periodCharges } from './commitment.ts'
import { parseInvoiceInput, rateInvoice } from './rateInvoice.ts'

const flat = (id: string, amount: string, product = id) => ({ id, product, price: { model: 'flat_fee', currency: 'USD', amount, prorate: false } })
const rate = (input: Record<string, unknown>) => rateInvoice(parseInvoiceInput({ currency: 'USD', as_of: '2026-02-01', ...input }))
const kinds = (r: ReturnType<typeof rate>) => r.lines.map((l) => [l.kind, l.amount])

describe('service_period', () => {
  it("measures the period's lines and what was billed before, never the next period's fee", () => {
    // January usage 30.00 + January's fee 100.00 billed before = 130.00 → true-up 150.00 − 130.00 = 20.00;
    // February's fee 100.00 is on the invoice but not in January: 30.00 + 100.00 + 20.00 = 150.00.
    const lines = [flat('usage:jan', '30.00'), flat('fee:feb', '100.00')]
    const commitment = { kind: 'minimum', amount: '150.00' }
    const scoped = rate({ lines, commitment, service_period: { lines: ['usage:jan'], billed_before: '100.00' } })
    expect(kinds(scoped)).toEqual([
      ['flat_fee', '30.00'],
      ['flat_fee', '100.00'],
      ['minimum_commitment', '20.00'],
    ])
    expect(scoped.amount).toBe('150.00')
    // Without service_period the whole invoice is the basis (right for a single-period invoice).
    // No January usage and February's fee at 120.00: scoped 150.00 − (0.00 + 100.00 before) = 50.00;
    // unscoped 150.00 − 120.00 (February's fee) = 30.00.
    const feb120 = [flat('usage:jan', '0.00'), flat('fee:feb', '120.00')]
    expect(kinds(rate({ lines: feb120, commitment, service_period: { lines: ['usage:jan'], billed_before: '100.00' } })).at(-1)).toEqual([
      'minimum_commitment',
      '50.00',
    ])
    expect(kinds(rate({ lines: feb120, commitment })).at(-1)).toEqual(['minimum_commitment', '30.00'])
  })

  it('trues up an invoice with no lines: only the commitment of a period billed before', () => {
    // 150.00 − 100.00 billed before = 50.00.
    const r = rate({ lines: [], commitment: { kind: 'minimum', amount: '150.00' }, service_period: { lines: [], billed_before: '100.00' } })
    expect(kinds(r)).toEqual([['minimum_commitment', '50.00']])
  })

  it("counts an invoice discount by the period's share of the lines it applies to", () => {
    // 10 % off the invoice: −(60.00 + 140.00) × 10 % = −20.00, of which January's usage
    // (60.00 of 200.00 = 30 %) carries −6.00: January = 60.00 − 6.00 + 40.00 before = 94.00 → true-up 6.00.
    const r = rate({
      lines: [flat('usage:jan', '60.00'), flat('fee:feb', '140.00')],
      discounts: [{ id: 'd', type: 'percentage', value: '10', scope: 'invoice' }],
      commitment: { kind: 'minimum', amount: '100.00' },
      service_period: { lines: ['usage:jan'], billed_before: '40.00' },
    })
    expect(kinds(r)).toEqual([
      ['flat_fee', '60.00'],
      ['flat_fee', '140.00'],
      ['discount', '-20.00'],
      ['minimum_commitment', '6.00'],
    ])
  })

  it('periodCharges: line discounts follow their line, product discounts share by product', () => {
    const lines = [
      { kind: 'flat_fee' as const, amount: new Dec('60'), line_id: 'a', product: 'P' },
      { kind: 'flat_fee' as const, amount: new Dec('20'), line_id: 'b', product: 'P' },
      { kind: 'flat_fee' as const, amount: new Dec('20'), line_id: 'c', product: 'Q' },
      { kind: 'discount' as const, amount: new Dec('-6'), line_id: 'a', product: 'P' },
      { kind: 'discount' as const, amount: new Dec('-8'), product: 'P' },
      { kind: 'discount' as const, amount: new Dec('-10') },
    ]
    // a: 60 − 6 (its own) − 8 × 60/80 (P's share) − 10 × 60/100 (invoice share) = 60 − 6 − 6 − 6 = 42.
    expect(periodCharges(lines, new Set(['a'])).toFixed()).toBe('42')
    // c: 20 − 10 × 20/100 = 18; no product P discount.
    expect(periodCharges(lines, new Set(['c'])).toFixed()).toBe('18')
  })

  it('a prepaid commitment draws only this invoice’s lines of the period, from what the earlier charges left', () => {
    // Prepaid 150.00; January's fee 100.00 billed before used 100.00 of it: usage 80.00 draws
    // min(80.00, 150.00 − 100.00) = 50.00; February's fee 100.00 is not drawn: 80.00 + 100.00 − 50.00 = 130.00.
    const r = rate({
      lines: [flat('usage:jan', '80.00'), flat('fee:feb', '100.00')],
      commitment: { kind: 'prepaid', amount: '150.00' },
      service_period: { lines: ['usage:jan'], billed_before: '100.00' },
    })
    expect(kinds(r).at(-1)).toEqual(['prepaid_drawdown', '-50.00'])
    expect(r.amount).toBe('130.00')
  })
})

describe('maximum spend over a service period', () => {
  it("caps the period's spend, at most its lines on this invoice, never the next period's fee", () => {
    // February: usage 80.00 here + fee 100.00 billed before = 180.00, maximum 150.00 → −30.00; 80.00 − 30.00 = 50.00.
    const period = { lines: ['usage:feb'], billed_before: '100.00' }
    expect(kinds(rate({ lines: [flat('usage:feb', '80.00')], maximum_spend: '150.00', service_period: period }))).toEqual([
      ['flat_fee', '80.00'],
      ['maximum_spend', '-30.00'],
    ])
    // 200.00 billed before: 280.00 − 150.00 = 130.00 over, but only February's 80.00 is on this invoice;
    // March's fee 100.00 is not February's: 80.00 + 100.00 − 80.00 = 100.00.
    const r = rate({
      lines: [flat('usage:feb', '80.00'), flat('fee:mar', '100.00')],
      maximum_spend: '150.00',
      service_period: { lines: ['usage:feb'], billed_before: '200.00' },
    })
    expect(kinds(r).at(-1)).toEqual(['maximum_spend', '-80.00'])
    expect(r.amount).toBe('100.00')
  })
})

describe('billed_elsewhere', () => {
  it('is taken off before credits, never below zero, and a charge credited elsewhere is added back', () => {
    // 130.00 − 30.00 billed on another invoice = 100.00; a grant of 500.00 pays the 100.00 left.
    const r = rate({
      lines: [flat('usage:jan', '130.00')],
      billed_elsewhere: [{ id: 'inv-3:usage:jan', description: 'late usage billed on invoice 3', amount: '30.00' }],
      credits: [{ id: 'g', amount: '500.00' }],
    })
    expect(kinds(r)).toEqual([
      ['flat_fee', '130.00'],
      ['billed_elsewhere', '-30.00'],
      ['credit', '-100.00'],
    ])
    expect(r.credits).toEqual([{ id: 'g', drawn: '100.00', remaining: '400' }])
    // 20.00 due, 30.00 billed elsewhere: only 20.00 is taken off (0.00, never −10.00).
    expect(kinds(rate({ lines: [flat('u', '20.00')], billed_elsewhere: [{ id: 'x', description: 'x', amount: '30.00' }] }))).toEqual([
      ['flat_fee', '20.00'],
      ['billed_elsewhere', '-20.00'],
    ])
    // 20.00 due, 5.00 credited elsewhere (−5.00) and 30.00 billed: +5.00 first, then 25.00 of the 30.00.
    const both = rate({
      lines: [flat('u', '20.00')],
      billed_elsewhere: [
        { id: 'x', description: 'billed', amount: '30.00' },
        { id: 'y', description: 'credited', amount: '-5.00' },
      ],
    })
    expect(kinds(both)).toEqual([
      ['flat_fee', '20.00'],
      ['billed_elsewhere', '5.00'],
      ['billed_elsewhere', '-25.00'],
    ])
    expect(both.amount).toBe('0.00')
  })
})
