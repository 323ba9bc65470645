// NetSuite CSV import files over HTTP on PGlite: a month of real postings (invoices finalized in
// November 2026, the close's recognition journal) as the journal and the invoice layouts, each
// document's External ID on every one of its rows (the API sync's external id), digit for digit
// (0.10 + 0.20 = 0.30, a 17-digit amount), RFC 4180 quoting and text neutralised against formula
// injection; named by a NetSuite connection's internal ids when one is given; a malformed
// period, layout or connection refused with a code.
import { beforeAll, describe, expect, it } from 'vitest'
import { erpExportRoutes } from '../../../connectors/erp/http/erpExportRoutes.ts'
import { closePeriod } from '../../../ledger/accounting/closePeriod.ts'
import { billedCustomer, writeDrafts } from '../../../ledger/accounting/postingFixture.ts'
import { useErpTestApp } from '../erpTestApp.ts'
import { finalizedNegativeInvoice } from '../negativeInvoiceDraft.ts'
import { NETSUITE_CHART_MAP } from './netsuitePeer.ts'
import { testNow } from '../../support/testLedger.ts'

const t = useErpTestApp((erp) => erpExportRoutes({ erp }))

describe('GET /v1/accounting/exports/netsuite-csv', () => {
  const ids: Record<string, string> = {}
  beforeAll(async () => {
    const { ledger, f } = t
    const seats = f.products.seats
    const evil = await billedCustomer(ledger, f.orgId, '=evil', seats)
    const [small, big] = await writeDrafts(ledger, {
      orgId: f.orgId,
      billed: evil,
      drafts: [
        {
          billingDate: '2026-11-03',
          dueDate: '2026-12-03',
          total: '0.30',
          lines: [
            { kind: 'flat_fee', timing: 'in_arrears', amount: '0.10', productId: seats },
            { kind: 'flat_fee', timing: 'in_arrears', amount: '0.20', productId: seats },
          ],
        },
        {
          billingDate: '2026-11-04',
          total: '12345678901234567.89',
          lines: [{ kind: 'flat_fee', timing: 'in_arrears', amount: '12345678901234567.89', productId: seats }],
        },
      ],
    })
    const deferred = await f.draft({
      billingDate: '2026-11-15',
      currency: 'USD',
      total: '60.00',
      lines: [{ kind: 'flat_fee', timing: 'in_advance', amount: '60.00', period: ['2026-11-15', '2027-01-14'] }],
    })
    const october = await f.draft({
      billingDate: '2026-10-30',
      currency: 'USD',
      total: '5.00',
      lines: [{ kind: 'flat_fee', timing: 'in_arrears', amount: '5.00' }],
    })
    await ledger.invoices.finalize(f.orgId, october, new Date('2026-10-30T12:00:00Z'))
    await ledger.invoices.finalize(f.orgId, small!.id, new Date('2026-11-03T12:00:00Z'))
    await ledger.invoices.finalize(f.orgId, big!.id, new Date('2026-11-04T12:00:00Z'))
    await ledger.invoices.finalize(f.orgId, deferred, new Date('2026-11-15T12:00:00Z'))
    await closePeriod({ db: t.handle.db }, { orgId: f.orgId, period: '2026-11', at: new Date('2026-12-01T00:00:00Z') })
    Object.assign(ids, { small: small!.id, big: big!.id, deferred, evil: evil.customerId, acme: f.customerId })
  })
  const get = (query: string) => t.call('GET', `/v1/accounting/exports/netsuite-csv?${query}`)

  it("invoice layout: one row per item line, the document's External ID on each, Tally's names, text neutralised, amounts verbatim", async () => {
    const { status, type, text } = await get('layout=invoice&period=2026-11')
    expect([status, type]).toEqual([200, 'text/csv; charset=utf-8'])
    const evil = `tally-customer-${ids.evil}`
    const row = (invoice: string, rest: string) => `tally-invoice-${invoice},${rest}\r\n`
    expect(text).toBe(
      'External ID,Invoice Number,Customer,Customer Name,Date,Due Date,Subsidiary,Currency,Memo,Item,Description,Quantity,Rate,Amount,Tax Amount\r\n' +
        row(ids.small!, `2,${evil},'=evil Inc,11/03/2026,12/03/2026,,USD,Tally ${ids.small},4000,flat_fee 0,1,0.10,0.10,0`) +
        row(ids.small!, `2,${evil},'=evil Inc,11/03/2026,12/03/2026,,USD,Tally ${ids.small},4000,flat_fee 1,1,0.20,0.20,0`) +
        row(ids.big!, `3,${evil},'=evil Inc,11/04/2026,11/04/2026,,USD,Tally ${ids.big},4000,flat_fee 0,1,12345678901234567.89,12345678901234567.89,0`) +
        row(ids.deferred!, `4,tally-customer-${ids.acme},acme Inc,11/15/2026,11/15/2026,,USD,Tally ${ids.deferred},2100,flat_fee 0,1,60.00,60.00,0`),
    )
  })

  it("journal layout: the month's recognition entry, its External ID on each line, balanced, quoted where it holds a comma", async () => {
    const [entry] = await t.ledger.journals.list(t.f.orgId, { sourceKind: 'schedule_line' })
    const { status, text } = await get('layout=journal&period=2026-11&subsidiary=Parent%20Co&date_format=YYYY-MM-DD')
    expect(status).toBe(200)
    const memo = entry!.memo
    expect(memo).toContain(',')
    const row = (account: string, debit: string, credit: string) =>
      `tally-journal-${entry!.id},2026-11-30,Parent Co,USD,"${memo} (Tally ${entry!.id})",${account},${debit},${credit},"${memo}",tally-customer-${ids.acme}\r\n`
    // 16 of the 60 days from 15 November 2026 to 14 January 2027: 60.00 × 16/60 = 16.00.
    expect(text).toBe('External ID,Date,Subsidiary,Currency,Memo,Account,Debit,Credit,Line Memo,Name\r\n' + row('2100', '16.00', '') + row('4000', '', '16.00'))
    expect((await get('layout=journal&period=2026-10')).text).toBe('External ID,Date,Subsidiary,Currency,Memo,Account,Debit,Credit,Line Memo,Name\r\n')
  })

  it("named by a NetSuite connection's internal ids; what it cannot name is 422 with the mapping's code", async () => {
    const connect = (accountMap: Record<string, string>, needsItems = true) =>
      t.erp.connections.create({
        now: testNow(),
        orgId: t.f.orgId,
        type: 'netsuite',
        tenantId: '1234567',
        baseUrl: 'https://{account_id}.suitetalk.api.netsuite.com/services/rest/record/v1',
        credentials: { consumer_key: 'a'.repeat(64), consumer_secret: 'b'.repeat(64), token_id: 'c'.repeat(64), token_secret: 'd'.repeat(64) },
        settings: { subsidiary: '7', currencies: 'USD:1', concurrency: '5' },
        accountMap,
        needsItems,
      })
    const named = await connect(NETSUITE_CHART_MAP)
    const invoices = (await get(`layout=invoice&period=2026-11&connection=${named.id}`)).text.split('\r\n')
    expect(invoices[1]).toBe(
      `tally-invoice-${ids.small},2,tally-customer-${ids.evil},'=evil Inc,11/03/2026,12/03/2026,7,1,Tally ${ids.small},21,flat_fee 0,1,0.10,0.10,0`,
    )
    expect(invoices[4]).toContain(',7,1,Tally ')
    expect(invoices[4]).toContain(',23,flat_fee 0,1,60.00,60.00,0')
    const journal = (await get(`layout=journal&period=2026-11&connection=${named.id}`)).text.split('\r\n')
    expect(journal[1]!.split(',').slice(1, 4)).toEqual(['11/30/2026', '7', '1'])
    expect(journal[1]).toContain(',60,16.00,,')
    // An item missing from the map is refused at connect; a map stored without the item check (before it
    // covered deferred revenue) makes the file name what is missing.
    const { 'item.2100': _deferred, ...noDeferredItem } = NETSUITE_CHART_MAP
    await expect(connect(noDeferredItem)).rejects.toMatchObject({ code: 'erp_mapping_incomplete', details: [{ field: 'account_map.item.2100' }] })
    const noItem = await get(`layout=invoice&period=2026-11&connection=${(await connect(noDeferredItem, false)).id}`)
    expect([noItem.status, noItem.body.error.code]).toEqual([422, 'unmapped_item'])
    expect((await get('layout=invoice&period=2026-11&connection=00000000-0000-0000-0000-000000000000')).body.error.code).toBe('erp_connection_not_found')
  })

  it('refuses the invoice file of a month with an invoice below zero (422 negative_total, naming it), as the sync parks it', async () => {
    // A threshold-billed volume price ending in a cheaper tier: 240.00 − 400.00 = −160.00 (test/erp/negativeInvoice.test.ts).
    const credit = await finalizedNegativeInvoice(t, '2026-12-01', '2026-12-02T09:00:00Z')
    const refused = await get('layout=invoice&period=2026-12')
    expect([refused.status, refused.body.error.code]).toEqual([422, 'negative_total'])
    expect(refused.body.error.message).toContain(`invoice ${credit} totals -160.00 USD`)
  })

  it('refuses a malformed period, layout or date format with a code', async () => {
    for (const period of ['2026-13', '2026-1', '']) {
      const { status, body } = await get(`layout=journal&period=${period}`)
      expect([status, body.error.code, body.error.details[0].code]).toEqual([400, 'invalid_request', 'invalid_period'])
    }
    for (const query of ['layout=bill&period=2026-11', 'period=2026-11', 'layout=journal&period=2026-11&date_format=DD.MM.YYYY']) {
      const { status, body } = await get(query)
      expect([status, body.error.code]).toEqual([400, 'invalid_request'])
    }
  })
})
