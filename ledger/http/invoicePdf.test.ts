// The PDF rendering of an invoice, read back with pdfjs-dist: every part is there, amounts sit
// right-aligned in their column on every page, long text stays in its column, characters the
// standard fonts cannot encode become '?', drafts and void invoices are marked, and the same
// invoice always gives the same bytes.
import { describe, expect, it } from 'vitest'
import type { Contract } from '../contracts.ts'
import type { Invoice, InvoiceLine } from '../invoices.ts'
import { pdfText, type PdfTextItem } from '../../test/rating/invoicePdfText.ts'
import type { InvoicePage } from './invoiceHtml.ts'
import { renderInvoicePdf } from './invoicePdf.ts'

// A JPY invoice (no minor unit), worked out:
//   usage, 20 projects × 2 tiers: tier 1 is 1000 calls × ¥2 = ¥2000 each, tier 2 is 100·p calls
//   × ¥1 = ¥100·p for project p; 20 × 2000 + 100 × (1 + … + 20) = 40000 + 21000 = ¥61000
//   platform fee in advance: 1 × ¥5000                                                  ¥5000
//   10% discount on usage: −61000 / 10                                                 −¥6100
//   total 61000 + 5000 − 6100 = ¥59900; credited ¥900; paid ¥30000; due 59900 − 900 − 30000 = ¥29000
const project = (p: number) => `P${String(p).padStart(2, '0')}`
const usage: Partial<InvoiceLine>[] = Array.from({ length: 20 }, (_, i) => i + 1).flatMap((p) => [
  { description: `API calls, project ${project(p)}`, tier: 1, quantity: '1000', unitPrice: '2', amount: '2000' },
  { description: `API calls, project ${project(p)}`, tier: 2, quantity: String(100 * p), unitPrice: '1', amount: String(100 * p) },
])
const LINES: Partial<InvoiceLine>[] = [
  ...usage.map((l) => ({ ...l, timing: 'in_arrears' as const, metricName: 'api_calls', metricVersion: 3, periodStart: '2026-10-01', periodEnd: '2026-11-01' })),
  { timing: 'in_advance', description: 'Platform fee', quantity: '1', unitPrice: '5000', amount: '5000', periodStart: '2026-11-01', periodEnd: '2026-12-01' },
  { timing: 'invoice', description: 'Discount 10% on usage', quantity: '1', amount: '-6100' },
]

function invoicePage(over: { invoice?: Partial<Invoice>; lines?: Partial<InvoiceLine>[]; customerName?: string } = {}): InvoicePage {
  const lines = (over.lines ?? LINES).map((l, i): InvoiceLine => ({
    id: `line-${i}`,
    position: i,
    itemId: null,
    timing: 'in_arrears',
    kind: 'usage',
    description: '',
    productId: null,
    productName: null,
    metricName: null,
    metricVersion: null,
    price: null,
    priceVersion: null,
    quantity: '1',
    unitPrice: null,
    tier: null,
    amount: '0',
    periodStart: null,
    periodEnd: null,
    ...l,
  }))
  return {
    seller: 'Example Co GmbH',
    customer: {
      id: 'c1',
      orgId: 'o1',
      externalId: 'acme',
      name: over.customerName ?? 'Acme Corp',
      email: 'billing@acme.test',
      currency: 'JPY',
      timeZone: 'Asia/Tokyo',
      billingEntityId: null,
      taxRateId: null,
      taxId: null,
      reverseCharge: false,
      address: null,
      createdAt: '2026-09-01T00:00:00.000Z',
    },
    contract: { id: 'k1', name: 'Acme 2026' } as Contract, // the renderings show only its name
    invoice: {
      id: '0b4a2c1e-0000-4000-8000-000000000001',
      orgId: 'o1',
      contractId: 'k1',
      customerId: 'c1',
      billingDate: '2026-11-01',
      periodIndex: 1,
      currency: 'JPY',
      status: 'finalized',
      number: 7,
      billingEntityId: null,
      displayNumber: null,
      total: '59900',
      taxTotal: '0',
      contentHash: 'h',
      ratingInput: {},
      creditDraws: [],
      graceUntil: '2026-11-04T00:00:00.000Z',
      dueDate: '2026-12-01',
      ratedAt: '2026-11-01T06:15:00.000Z',
      finalizedAt: '2026-11-04T00:15:00.000Z',
      paidAt: null,
      voidedAt: null,
      voidReason: null,
      replacesInvoiceId: null,
      replacedByInvoiceId: null,
      createdAt: '2026-11-01T06:15:00.000Z',
      ...over.invoice,
    },
    lines,
    balance: { total: '59900', credited: '900', paid: '30000', due: '29000' },
    creditNotes: [
      {
        id: 'n1',
        orgId: 'o1',
        invoiceId: 'i',
        number: 3,
        billingEntityId: null,
        displayNumber: null,
        reason: 'billing_error',
        memo: 'late events',
        total: '900',
        lines: [],
        createdAt: '2026-11-10T09:00:00.000Z',
      },
    ],
    payments: [
      {
        id: 'p1',
        orgId: 'o1',
        invoiceId: 'i',
        amount: '30000',
        currency: 'JPY',
        paidOn: '2026-11-20',
        method: 'bank_transfer',
        reference: 'TX-42',
        createdAt: '2026-11-20T10:00:00.000Z',
      },
    ],
  }
}

/** The header item of a column on a page (every page repeats the table header). */
const header = (items: PdfTextItem[], title: string) => items.find((i) => i.str === title)!

describe('renderInvoicePdf', () => {
  it('renders seller, customer, every line, totals, credit notes and payments over two A4 pages', async () => {
    const bytes = await renderInvoicePdf(invoicePage())
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
    const pdf = await pdfText(bytes)
    expect(pdf.pages).toHaveLength(2)
    for (const s of [
      'Invoice 7',
      'finalized',
      '2026-11-01',
      '2026-12-01',
      'From',
      'Example Co GmbH',
      'Bill to',
      'Acme Corp',
      'acme',
      'billing@acme.test',
      'Contract Acme 2026',
    ]) {
      expect(pdf.pages[0]!.map((i) => i.str)).toContain(s)
    }
    for (const l of usage) expect(pdf.text).toContain(`${l.description} (tier ${l.tier})`)
    expect(pdf.text).toContain('Platform fee')
    expect(pdf.text).toContain('Discount 10% on usage')
    expect(pdf.text).toContain('api_calls v3')
    expect(pdf.text).toContain('2026-10-01 – 2026-11-01')
    // Sections in the HTML's order; the usage section continues on page 2 under a repeated header.
    expect(pdf.pages[1]!.map((i) => i.str)).toEqual(
      expect.arrayContaining([
        'Description',
        'Amount (JPY)',
        'Usage (in arrears) (continued)',
        'Subscriptions (in advance)',
        'Discounts, commitments and credits',
      ]),
    )
    // Totals, with the currency: no minor unit for JPY, the amounts exactly as the ledger holds them.
    const last = pdf.pages[1]!.map((i) => i.str)
    for (const [label, amount] of [
      ['Total', '59900 JPY'],
      ['Credited', '900 JPY'],
      ['Paid', '30000 JPY'],
      ['Amount due', '29000 JPY'],
    ]) {
      expect(last).toContain(label)
      expect(last).toContain(amount)
    }
    expect(last).toContain('Credit notes')
    expect(last).toContain('• Credit note 3 (billing_error: late events): -900 JPY') // U+2212 is not WinAnsi: a hyphen
    expect(last).toContain('Payments')
    expect(last).toContain('• 2026-11-20 bank_transfer TX-42: 30000 JPY')
    expect(pdf.pages[0]!.map((i) => i.str)).toContain('Page 1 of 2')
    expect(last).toContain('Page 2 of 2')
    expect(pdf.text).not.toMatch(/DRAFT|VOID/)
  })

  it('keeps every amount right-aligned in the right-hand column, on every page', async () => {
    const pdf = await pdfText(await renderInvoicePdf(invoicePage()))
    const expected = [...LINES.map((l) => l.amount!)]
    const seen: string[] = []
    for (const items of pdf.pages) {
      const amountHeader = header(items, 'Amount (JPY)')
      const metric = header(items, 'Metric')
      const period = header(items, 'Period')
      const right = amountHeader.x + amountHeader.width
      for (const d of items.filter((i) => /^(API calls|Platform fee|Discount 10%)/.test(i.str))) {
        expect(d.x + d.width).toBeLessThan(period.x) // descriptions stay in theirs
        const amounts = items.filter((i) => Math.abs(i.y - d.y) < 0.01 && i.x > metric.x + metric.width)
        expect(amounts).toHaveLength(1)
        expect(amounts[0]!.x + amounts[0]!.width).toBeCloseTo(right, 1)
        seen.push(amounts[0]!.str)
      }
    }
    expect(seen).toEqual(expected)
  })

  it('wraps a long description in its column and cuts it with an ellipsis after three lines, keeping the tier', async () => {
    const long = `Enterprise support ${'with a very long contractual description '.repeat(8)}end`
    const pdf = await pdfText(await renderInvoicePdf(invoicePage({ lines: [{ description: long, tier: 2, quantity: '1', amount: '100', unitPrice: '100' }] })))
    const items = pdf.pages[0]!
    const period = header(items, 'Period')
    const description = header(items, 'Description')
    const rows = items.filter((i) => i.x === description.x && i.y < description.y && i.y > header(items, 'Total').y && i.str !== 'Usage (in arrears)')
    expect(rows.map((r) => r.str)).toHaveLength(3)
    expect(rows[0]!.str.startsWith('Enterprise support with a very long')).toBe(true)
    expect(rows[2]!.str.endsWith('… (tier 2)')).toBe(true)
    for (const r of rows) expect(r.x + r.width).toBeLessThan(period.x)
    expect(pdf.text).not.toContain('end')
  })

  it('replaces characters outside WinAnsi with ? instead of failing, and keeps them in the metadata', async () => {
    const name = 'Café Tokyo 東京 🚀'
    const pdf = await pdfText(await renderInvoicePdf(invoicePage({ customerName: name, lines: [{ description: 'Übersetzung 翻訳 ✓', amount: '10' }] })))
    expect(pdf.pages[0]!.map((i) => i.str)).toContain('Café Tokyo ?? ?') // é is WinAnsi; one ? per character, the emoji included
    expect(pdf.text).toContain('Übersetzung ?? ?')
    expect(pdf.info.Title).toBe(`Invoice 7 – ${name}`)
  })

  it('marks drafts and void invoices across every page', async () => {
    const draft = await pdfText(await renderInvoicePdf(invoicePage({ invoice: { status: 'draft', number: null, finalizedAt: null } })))
    expect(draft.pages[0]!.map((i) => i.str)).toContain('Draft invoice')
    for (const items of draft.pages) expect(items.map((i) => i.str)).toContain('DRAFT')

    const voided = await pdfText(
      await renderInvoicePdf(invoicePage({ invoice: { status: 'void', voidedAt: '2026-11-05T00:00:00.000Z', voidReason: 'issued in error' } })),
    )
    for (const items of voided.pages) expect(items.map((i) => i.str)).toContain('VOID')
    expect(voided.pages[0]!.map((i) => i.str)).toEqual(expect.arrayContaining(['void', 'Void reason:', 'issued in error']))
  })

  it('titles an invoice of a billing entity by its display number, from the entity with its legal details', async () => {
    const page = invoicePage({ invoice: { billingEntityId: 'e1', displayNumber: 'ACME-2026-000007' } })
    const pdf = await pdfText(await renderInvoicePdf({ ...page, seller: 'Acme GmbH', sellerDetails: 'Hauptstr. 1, Berlin\nUSt-IdNr. DE123456789' }))
    expect(pdf.pages[0]!.map((i) => i.str)).toEqual(
      expect.arrayContaining(['Invoice ACME-2026-000007', 'Acme GmbH', 'Hauptstr. 1, Berlin', 'USt-IdNr. DE123456789']),
    )
    expect(pdf.info.Title).toBe('Invoice ACME-2026-000007 – Acme Corp')
  })

  it('gives the same bytes for the same invoice, dated by the invoice, not the clock', async () => {
    const page = invoicePage()
    const [a, b] = [await renderInvoicePdf(page), await renderInvoicePdf(page)]
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    const { info } = await pdfText(a)
    expect(info).toMatchObject({ Creator: 'Tally', Producer: 'Tally (pdf-lib)', Author: 'Example Co GmbH' })
    expect(info.CreationDate).toBe('D:20261104001500Z') // finalized_at
    expect(info.ModDate).toBe('D:20261120100000Z') // the last payment, the latest change shown
  })
})
