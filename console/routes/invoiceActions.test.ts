import { describe, expect, it } from 'vitest'
import type { InvoiceDetail } from '../pages/invoices.tsx'
import { bodyOf } from './invoiceActions.tsx'

const line = (id: string, amount: string) => ({ id, amount }) as InvoiceDetail['lines'][number]
const invoice = { lines: [line('l1', '100.00'), line('l2', '20.00')] } as InvoiceDetail

describe('the API body of an invoice action, from its form', () => {
  it('void: the reason, trimmed', () => {
    expect(bodyOf('void', { reason: '  billed twice ' }, invoice)).toEqual({ reason: 'billed twice' })
  })

  it('credit note: no line amounts credits everything; amounts become lines, blank memo left out', () => {
    expect(bodyOf('credit-note', { reason: 'other', memo: ' ', line_l1: '', line_l2: '' }, invoice)).toEqual({ reason: 'other' })
    expect(bodyOf('credit-note', { reason: 'billing_error', memo: 'goodwill', line_l2: ' 5.00 ' }, invoice)).toEqual({
      reason: 'billing_error',
      memo: 'goodwill',
      lines: [{ invoice_line_id: 'l2', amount: '5.00' }],
    })
  })

  it('payment: amount and date as typed (decimal strings, never numbers), reference only when given', () => {
    expect(bodyOf('payment', { amount: '0.50', paid_on: '2026-03-10', method: 'card', reference: '' }, invoice)).toEqual({
      amount: '0.50',
      paid_on: '2026-03-10',
      method: 'card',
    })
  })

  it('finalize and reissue: no body', () => {
    expect(bodyOf('finalize', {}, invoice)).toBeUndefined()
    expect(bodyOf('reissue', {}, invoice)).toBeUndefined()
  })
})
