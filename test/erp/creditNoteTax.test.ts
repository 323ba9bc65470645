// A credit note of a taxed invoice goes to each ERP as the invoice went: every line exclusive of
// its tax with its share of the tax beside it (Xero TaxAmount, QuickBooks TxnTaxDetail.TotalTax
// and TAX codes, NetSuite tax1Amt), never as a line on Tax payable (which QuickBooks and NetSuite
// could not even take: their lines go through items, and Tax payable has none). Over the ERP
// endpoints in-process on PGlite, one connection of each type, synced to the three test servers.
//
// Worked example (ledger/tax/README.md): seats 100.00 at the customer's 20 % exclusive (tax
// 20.00, billed in advance over [2024-06-15, 2024-08-15), so deferred), API 55.00 at the API
// product's 10 % inclusive (tax 5.00, base 50.00); the invoice is 155.00 + 20.00 = 175.00.
// Credited: 50.00 of seats (share 20.00 × 50 / 100 = 10.00) and 22.00 of API (share 5.00 × 22 / 55
// = 2.00 inside it, net 20.00); the note is 50.00 + 22.00 + 10.00 = 82.00 = 50.00 + 10.00 + 20.00 + 2.00.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERP_ADAPTERS } from '../../connectors/erp/adapters.ts'
import { erpRoutes } from '../../connectors/erp/http/erpRoutes.ts'
import { Dec } from '../../platform/decimal.ts'
import { ACCOUNT_MAP as XERO_CHART_MAP, syncFor } from './drain/outboxFixture.ts'
import { openThreeErpConnections, type ThreeErpConnections } from './threeErpConnections.ts'
import { useErpTestApp } from './erpTestApp.ts'
import { NETSUITE_CHART_MAP } from './netsuite/netsuitePeer.ts'
import type { NetSuiteTestServer } from './netsuite/netsuiteTestServer.ts'
import { QBO_CHART_MAP } from './quickbooks/qboPeer.ts'
import type { QboTestServer } from './quickbooks/qboTestServer.ts'
import type { XeroTestServer } from './xero/xeroTestServer.ts'
import { testNow } from '../support/testLedger.ts'
import { systemClock } from '../../platform/clock.ts'

type El = Record<string, any>
const t = useErpTestApp((erp) => erpRoutes({ clock: systemClock, erp, adapters: ERP_ADAPTERS, sync: syncFor(erp) }))
const money = (v: unknown) => new Dec(String(v)).toFixed(2)

describe('a credit note of a taxed invoice in Xero, QuickBooks and NetSuite', () => {
  let erps: ThreeErpConnections
  let xero: XeroTestServer
  let qbo: QboTestServer
  let netsuite: NetSuiteTestServer
  const ids = { xero: '', quickbooks: '', netsuite: '' }
  let noteId = ''
  /** Each connection's sync: customer, invoice and credit note sent, nothing parked. */
  const synced = {} as Record<keyof typeof ids, { sent: number; failed: number; errors: string[] }>
  const allSent = { sent: 3, failed: 0, errors: [] }

  beforeAll(async () => {
    erps = await openThreeErpConnections(t)
    ;({ xero, qbo, netsuite } = erps)
    Object.assign(ids, erps.ids)

    const { ledger, f } = t
    const standard = await ledger.taxRates.create({ now: testNow(), orgId: f.orgId, name: 'Standard 20', percentage: '20', inclusive: false })
    const included = await ledger.taxRates.create({ now: testNow(), orgId: f.orgId, name: 'Included 10', percentage: '10', inclusive: true })
    await ledger.customers.update({ orgId: f.orgId, externalId: 'acme', taxRateId: standard.id })
    await ledger.taxRates.setProductRate(f.orgId, f.products.api, included.id)
    const invoiceId = await f.draft({
      billingDate: '2024-06-15',
      currency: 'USD',
      total: '155.00',
      lines: [
        { kind: 'flat_fee', timing: 'in_advance', amount: '100.00', period: ['2024-06-15', '2024-08-15'] },
        { kind: 'usage', timing: 'in_arrears', amount: '55.00', metric: 'calls' },
      ],
    })
    const finalized = await ledger.invoices.finalize(f.orgId, invoiceId, new Date('2024-06-15T12:00:00Z'))
    expect(finalized.total).toBe('175.00')
    const [seats, api] = await ledger.invoices.lines(f.orgId, invoiceId)
    const note = await ledger.creditNotes.create({
      orgId: f.orgId,
      invoiceId,
      reason: 'order_change',
      lines: [
        { invoiceLineId: seats!.id, amount: '50.00' },
        { invoiceLineId: api!.id, amount: '22.00' },
      ],
      now: new Date('2024-06-21T10:00:00Z'),
    })
    expect(note.total).toBe('82.00')
    noteId = note.id
    for (const [type, id] of Object.entries(ids)) {
      const { sent, failed } = (await t.call('POST', `/v1/erp/connections/${id}/sync`)).body
      const errors = (await t.call('GET', `/v1/erp/connections/${id}/status`)).body.last_errors.map((e: El) => e.last_error)
      synced[type as keyof typeof ids] = { sent, failed, errors }
    }
  })
  afterAll(async () => {
    await erps?.close()
  })

  it('Xero: an ACCRECCREDIT of 82.00 whose lines carry TaxAmount 10.00 (OUTPUT) and 2.00, none on Tax payable', () => {
    expect(synced.xero).toEqual(allSent)
    const [note] = [...xero.books.creditNotes.values()]
    expect(money(note!.total)).toBe('82.00')
    const lines = (note!.element.LineItems as El[]).map((l) => [l.AccountCode, money(l.LineAmount), money(l.TaxAmount), l.TaxType])
    expect(lines).toEqual([
      [XERO_CHART_MAP['2100'], '50.00', '10.00', 'OUTPUT'],
      [XERO_CHART_MAP['4100'], '20.00', '2.00', 'OUTPUT'],
    ])
    expect(note!.element.Reference).toBe(noteId)
  })

  it('QuickBooks: a CreditMemo of 82.00 with TotalTax 12.00 and both lines taxable; applied to its invoice', () => {
    expect(synced.quickbooks).toEqual(allSent)
    const [memo] = [...qbo.books.creditMemos.values()]
    expect(money(memo!.total)).toBe('82.00')
    expect(money((memo!.element.TxnTaxDetail as El).TotalTax)).toBe('12.00')
    const lines = (memo!.element.Line as El[]).map((l) => [l.SalesItemLineDetail.ItemRef.value, money(l.Amount), l.SalesItemLineDetail.TaxCodeRef.value])
    expect(lines).toEqual([
      [QBO_CHART_MAP['item.2100'], '50.00', 'TAX'],
      [QBO_CHART_MAP['item.4100'], '20.00', 'TAX'],
    ])
    const [invoice] = [...qbo.books.invoices.values()]
    expect([money(invoice!.total), money(invoice!.balance)]).toEqual(['175.00', '93.00'])
  })

  it('NetSuite: a creditMemo of 82.00 whose item lines carry tax1Amt 10.00 and 2.00; the invoice has 93.00 remaining', () => {
    expect(synced.netsuite).toEqual(allSent)
    const memo = netsuite.books.byExternal('creditMemo', `tally-creditmemo-${noteId}`) ?? netsuite.books.of('creditMemo')[0]!
    expect(money(memo.total)).toBe('82.00')
    const lines = (memo.body.item as El).items.map((l: El) => [l.item.id, money(l.amount), money(l.tax1Amt)])
    expect(lines).toEqual([
      [NETSUITE_CHART_MAP['item.2100'], '50.00', '10.00'],
      [NETSUITE_CHART_MAP['item.4100'], '20.00', '2.00'],
    ])
    const [invoice] = netsuite.books.of('invoice')
    expect([money(invoice!.total), money(invoice!.remaining)]).toEqual(['175.00', '93.00'])
  })
})
