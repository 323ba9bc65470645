import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authorizationHeader } from '../../../connectors/erp/netsuite/oauth1.ts'
import { erpContractSuite, Sender } from '../erpContractSuite.ts'
import * as fixtures from '../erpFixtures.ts'
import { startNetSuiteTestServer, type NetSuiteTestServer } from './netsuiteTestServer.ts'
import { NETSUITE_ACCOUNT_MAP, netsuiteAdapterFor, startNetSuitePeer } from './netsuitePeer.ts'

erpContractSuite({ name: 'netsuite', start: () => startNetSuitePeer(), refreshesTokens: false })

describe('NetSuite adapter against the NetSuite test server', () => {
  let server: NetSuiteTestServer
  let sender: Sender
  beforeEach(async () => {
    server = await startNetSuiteTestServer()
    sender = new Sender(netsuiteAdapterFor(server))
  })
  afterEach(async () => {
    await server.close()
  })

  it('upserts each record by its external id, customer first; a second send updates the same record', async () => {
    await sender.sendAll([fixtures.customer, fixtures.invoice, fixtures.payment])
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'PUT /customer/eid:tally-customer-cus_acme 204',
      'PUT /invoice/eid:tally-invoice-inv_0001 204',
      `GET /invoice/${sender.id(fixtures.invoice)} 200`,
      'PUT /customerPayment/eid:tally-payment-pay_1 204',
    ])
    const invoiceId = sender.id(fixtures.invoice)
    // The payment again (a resend after a crash): the same record, applied once.
    expect(await sender.send(fixtures.payment)).toEqual({ status: 'sent', erpId: sender.id(fixtures.payment) })
    expect(server.books.of('customerPayment')).toHaveLength(1)
    expect(server.books.get('invoice', invoiceId)!.remaining.toFixed()).toBe('184.08')
    expect(server.books.get('invoice', invoiceId)!.body).toMatchObject({
      entity: { id: sender.id(fixtures.customer) },
      subsidiary: { id: '1' },
      currency: { id: '1' },
      tranId: 'INV-0001',
      tranDate: '2025-06-01',
      dueDate: '2025-07-01',
      memo: 'Tally inv_0001',
      item: {
        items: [
          { item: { id: '21' }, description: 'Seats', quantity: '3', rate: '40.1', amount: '120.3', tax1Amt: '12.03' },
          { item: { id: '22' }, description: 'API calls (1234567 × 0.000123)', quantity: '1', rate: '151.85', amount: '151.85' },
        ],
      },
    })
  })

  it('journal entries carry the subsidiary and balance digit for digit: 0.1 + 0.2 against 0.3, 12345678901234567.89', async () => {
    const small = fixtures.journalWith('je_small', [
      ['2100', '0.1', '0'],
      ['2100', '0.2', '0'],
      ['4000', '0', '0.3'],
    ])
    const big = fixtures.journalWith('je_big', [
      ['2100', '12345678901234567.89', '0'],
      ['4000', '0', '12345678901234567.89'],
    ])
    await sender.sendAll([small, big])
    expect(server.books.get('journalEntry', sender.id(small))!.body).toMatchObject({
      subsidiary: { id: '1' },
      tranDate: '2025-06-30',
      line: {
        items: [
          { account: { id: '60' }, debit: '0.1' },
          { account: { id: '60' }, debit: '0.2' },
          { account: { id: '54' }, credit: '0.3' },
        ],
      },
    })
    expect(server.books.get('journalEntry', sender.id(big))!.total.toFixed()).toBe('12345678901234567.89')
  })

  it('a void is a credit memo transformed from the invoice, looked up by its external id first: sent twice, one memo', async () => {
    await sender.sendAll([fixtures.customer, fixtures.bigInvoice, fixtures.voidBigInvoice])
    const invoiceId = sender.id(fixtures.bigInvoice)
    expect(server.books.invoiceState(invoiceId)).toBe('void')
    expect(await sender.send(fixtures.voidBigInvoice)).toEqual({ status: 'sent', erpId: sender.id(fixtures.voidBigInvoice) })
    expect(server.books.of('creditMemo')).toHaveLength(1)
    expect(server.requests.slice(-1).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /creditMemo/eid:tally-void-void_0002 200'])
  })

  it("NetSuite's refusals are failed with its o:errorDetails: a payment over the amount remaining, an unknown item", async () => {
    await sender.sendAll([fixtures.customer, fixtures.invoice])
    expect(await sender.send({ ...fixtures.payment, amount: '284.19' })).toEqual({
      status: 'failed',
      code: 'netsuite_validation',
      message: `USER_ERROR: The amount applied (284.19) exceeds the amount remaining on invoice ${sender.id(fixtures.invoice)} (284.18).`,
    })
    const wrongItem = new Sender(netsuiteAdapterFor(server, { accountMap: { ...NETSUITE_ACCOUNT_MAP, 'item.4000': '99' } }))
    wrongItem.ids.set('customer:cus_acme', sender.id(fixtures.customer))
    expect(await wrongItem.send({ ...fixtures.invoice, tallyId: 'inv_9' })).toEqual({
      status: 'failed',
      code: 'netsuite_validation',
      message: 'INVALID_KEY_OR_REF: Invalid item reference key 99.',
    })
  })

  it('refuses what it cannot map before any request: unmapped account, item or currency, 3-place amount, unsent dependency, a bad external id', async () => {
    expect(await new Sender(netsuiteAdapterFor(server, { accountMap: {} })).send(fixtures.journal)).toEqual({
      status: 'failed',
      code: 'unmapped_account',
      message: 'Tally account 2100 has no NetSuite account in this connection',
    })
    expect(await sender.send({ ...fixtures.customer, currency: 'GBP' })).toMatchObject({ status: 'failed', code: 'unmapped_currency' })
    expect(await sender.send({ ...fixtures.customer, tallyId: 'cus acme' })).toMatchObject({ status: 'failed', code: 'invalid_external_id' })
    expect(
      await sender.send(
        fixtures.journalWith('je_places', [
          ['2100', '0.005', '0'],
          ['4000', '0', '0.005'],
        ]),
      ),
    ).toMatchObject({ status: 'failed', code: 'unsupported_amount' })
    expect(await sender.send(fixtures.payment)).toEqual({
      status: 'failed',
      code: 'missing_reference',
      message: 'invoice inv_0001 has not been sent to NetSuite yet',
    })
    const { 'item.4000': _seats, ...noItemMap } = NETSUITE_ACCOUNT_MAP
    const noItem = new Sender(netsuiteAdapterFor(server, { accountMap: noItemMap }))
    noItem.ids.set('customer:cus_acme', '1')
    expect(await noItem.send(fixtures.invoice)).toEqual({
      status: 'failed',
      code: 'unmapped_item',
      message: "Tally account 4000 has no NetSuite item in this connection's account map (item.4000)",
    })
    expect(server.requests).toHaveLength(0)
  })

  it('a wrong token secret is refused as NetSuite refuses a login (401) → failed, never retried: TBA tokens do not expire', async () => {
    const wrong = new Sender(netsuiteAdapterFor(server, { credentials: { ...server.credentials, tokenSecret: 'f'.repeat(64) } }))
    expect(await wrong.send(fixtures.customer)).toMatchObject({
      status: 'failed',
      code: 'netsuite_unauthorized',
      message: expect.stringContaining('INVALID_LOGIN'),
    })
    expect(server.books.of('customer')).toHaveLength(0)
  })

  it('the server checks what the adapter never sends: the signature and a replayed nonce, the external id charset, an internal id in an upsert', async () => {
    const put = (path: string, body: unknown, nonce: string, credentials = server.credentials) => {
      const url = `${server.baseUrl}${path}`
      const authorization = authorizationHeader(server.accountId, credentials, { method: 'PUT', url, timestamp: '1750000000', nonce })
      return fetch(url, { method: 'PUT', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    }
    const customer = { companyName: 'Acme', subsidiary: { id: '1' } }
    const errorOf = async (res: Response) => [
      res.status,
      ((await res.json()) as { 'o:errorDetails': { 'o:errorCode': string }[] })['o:errorDetails'][0]!['o:errorCode'],
    ]
    expect(await errorOf(await put('/customer/eid:acme.1', customer, 'nonce1'))).toEqual([400, 'INVALID_ID'])
    expect(await errorOf(await put('/customer/eid:acme-1', { ...customer, id: '7' }, 'nonce2'))).toEqual([400, 'INVALID_FLD_VALUE'])
    expect((await put('/customer/eid:acme-1', customer, 'nonce3')).status).toBe(204)
    expect(await errorOf(await put('/customer/eid:acme-1', customer, 'nonce3'))).toEqual([401, 'INVALID_LOGIN'])
    expect(await errorOf(await put('/customer/eid:acme-1', customer, 'nonce4', { ...server.credentials, consumerSecret: '0'.repeat(64) }))).toEqual([
      401,
      'INVALID_LOGIN',
    ])
    expect(server.books.of('customer')).toHaveLength(1)
  })

  it("over the account's concurrency limit NetSuite answers 429 → retry; the adapter's own limit is the configured share", async () => {
    const tight = await startNetSuiteTestServer({ concurrencyLimit: 1 })
    try {
      tight.faults.delay(1, 300)
      const adapter = netsuiteAdapterFor(tight, { concurrency: 3 })
      expect(adapter.limits).toEqual({ requestsPerMinute: 600, concurrency: 3 })
      const one = new Sender(adapter)
      const customers = ['a', 'b'].map((n) => ({ ...fixtures.customer, tallyId: `cus_${n}`, name: `Customer ${n}` }))
      const first = one.send(customers[0]!)
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(await one.send(customers[1]!)).toMatchObject({ status: 'retry', afterMs: null, reason: 'NetSuite concurrency limit (HTTP 429)' })
      expect(await first).toMatchObject({ status: 'sent' })
      expect(await one.send(customers[1]!)).toMatchObject({ status: 'sent' })
    } finally {
      await tight.close()
    }
  })
})
