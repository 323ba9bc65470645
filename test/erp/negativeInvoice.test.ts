// An invoice with a negative total (a threshold-billed period whose volume price ends in a cheaper
// tier, a termination credit, a late-usage adjustment that only gives back) is a credit to the
// customer, and none of the three ERPs takes an invoice below zero (Xero: "The total of a document
// cannot be negative"; QuickBooks and NetSuite invoices the same). Each adapter refuses it before
// any request with `negative_total`: parked as failed, naming the invoice, rather than sent wrong;
// the customer went first, so the other documents of the connection carry on.
//
// The invoice (test/rating/thresholdBillingSuite.ts): volume 1.00 a unit up to 500, 0.40 above;
// 400 units billed 400.00 on a threshold invoice, 600 at the end: 240.00 − 400.00 = −160.00.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERP_ADAPTERS } from '../../connectors/erp/adapters.ts'
import { erpRoutes } from '../../connectors/erp/http/erpRoutes.ts'
import { systemClock } from '../../platform/clock.ts'
import { syncFor } from './drain/outboxFixture.ts'
import { useErpTestApp } from './erpTestApp.ts'
import { finalizedNegativeInvoice } from './negativeInvoiceDraft.ts'
import { openThreeErpConnections, type ThreeErpConnections } from './threeErpConnections.ts'

const t = useErpTestApp((erp) => erpRoutes({ clock: systemClock, erp, adapters: ERP_ADAPTERS, sync: syncFor(erp) }))

describe('an invoice with a negative total in Xero, QuickBooks and NetSuite', () => {
  let erps: ThreeErpConnections
  let invoiceId = ''
  const outcome = {} as Record<string, { sent: number; failed: number; errors: string[] }>

  beforeAll(async () => {
    erps = await openThreeErpConnections(t)
    invoiceId = await finalizedNegativeInvoice(t, '2026-04-01', '2026-04-02T09:00:00Z')
    expect((await t.ledger.invoices.get(t.f.orgId, invoiceId)).total).toBe('-160.00')
    for (const [type, id] of Object.entries(erps.ids)) {
      const { sent, failed } = (await t.call('POST', `/v1/erp/connections/${id}/sync`)).body
      const errors = (await t.call('GET', `/v1/erp/connections/${id}/status`)).body.last_errors.map((e: { last_error: string }) => e.last_error)
      outcome[type] = { sent, failed, errors }
    }
  })
  afterAll(async () => {
    await erps?.close()
  })

  it.each(['xero', 'quickbooks', 'netsuite'])('%s: the customer is sent, the invoice parked as negative_total before any request', (type) => {
    expect(outcome[type]).toMatchObject({ sent: 1, failed: 1 })
    expect(outcome[type]!.errors).toEqual([expect.stringMatching(new RegExp(`^negative_total: invoice ${invoiceId} .*-160\\.00`))])
  })

  it('no ERP holds an invoice for it', () => {
    expect(erps.xero.books.invoices.size).toBe(0)
    expect(erps.qbo.books.invoices.size).toBe(0)
    expect(erps.netsuite.books.of('invoice')).toEqual([])
  })
})
