// One connection of each ERP type (Xero, QuickBooks, NetSuite), each to its own test server,
// made over the ERP endpoints of an ERP test app: for tests that send the same documents to all
// three. Call `open` in a beforeAll and `close` in the afterAll.
import { expect } from 'vitest'
import { ACCOUNT_MAP as XERO_CHART_MAP } from './drain/outboxFixture.ts'
import type { ErpTestApp } from './erpTestApp.ts'
import { oauth2CredentialsOf } from './erpTestServerKit.ts'
import { NETSUITE_CHART_MAP } from './netsuite/netsuitePeer.ts'
import { startNetSuiteTestServer, type NetSuiteTestServer } from './netsuite/netsuiteTestServer.ts'
import { QBO_CHART_MAP } from './quickbooks/qboPeer.ts'
import { startQboTestServer, type QboTestServer } from './quickbooks/qboTestServer.ts'
import { startXeroTestServer, type XeroTestServer } from './xero/xeroTestServer.ts'

export interface ThreeErpConnections {
  xero: XeroTestServer
  qbo: QboTestServer
  netsuite: NetSuiteTestServer
  /** The connection ids, by ERP type. */
  ids: { xero: string; quickbooks: string; netsuite: string }
  close(): Promise<void>
}

export async function openThreeErpConnections(t: Pick<ErpTestApp, 'call'>): Promise<ThreeErpConnections> {
  const [xero, qbo, netsuite] = await Promise.all([startXeroTestServer(), startQboTestServer(), startNetSuiteTestServer()])
  const connect = async (body: Record<string, unknown>) => {
    const created = await t.call('POST', '/v1/erp/connections', body)
    expect(created.status).toBe(201)
    return created.body.id as string
  }
  const ids = {
    xero: await connect({
      type: 'xero',
      tenant_id: xero.tenantId,
      base_url: xero.baseUrl,
      credentials: oauth2CredentialsOf(xero),
      settings: { base_currency: 'USD', token_url: xero.tokenUrl },
      account_map: XERO_CHART_MAP,
    }),
    quickbooks: await connect({
      type: 'quickbooks',
      tenant_id: qbo.realmId,
      base_url: qbo.baseUrl,
      credentials: oauth2CredentialsOf(qbo),
      settings: { token_url: qbo.tokenUrl },
      account_map: QBO_CHART_MAP,
    }),
    netsuite: await connect({
      type: 'netsuite',
      tenant_id: netsuite.accountId,
      base_url: netsuite.baseUrl,
      credentials: {
        consumer_key: netsuite.credentials.consumerKey,
        consumer_secret: netsuite.credentials.consumerSecret,
        token_id: netsuite.credentials.tokenId,
        token_secret: netsuite.credentials.tokenSecret,
      },
      settings: { subsidiary: '1', currencies: 'USD:1' },
      account_map: NETSUITE_CHART_MAP,
    }),
  }
  return { xero, qbo, netsuite, ids, close: async () => void (await Promise.all([xero.close(), qbo.close(), netsuite.close()])) }
}
