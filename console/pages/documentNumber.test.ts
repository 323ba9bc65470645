import { describe, expect, it } from 'vitest'
import { doneNotice } from './invoiceActions.tsx'
import { invoiceLabel } from './invoices.tsx'

describe('document numbers on console pages', () => {
  it("names an invoice by its issuer's display number where it has one", () => {
    const id = '0b7d6c1e-0000-4000-8000-000000000000'
    expect(invoiceLabel({ id, number: 42, display_number: 'ACME-2026-000042' })).toBe('Invoice ACME-2026-000042')
    expect(invoiceLabel({ id, number: 42 })).toBe('Invoice 42')
    expect(invoiceLabel({ id, number: null })).toBe('Draft 0b7d6c1e')
    expect(doneNotice('finalize', { number: 7, display_number: 'EU-000007', replaces_invoice_id: null })).toBe('Finalized: this is invoice EU-000007.')
  })
})
