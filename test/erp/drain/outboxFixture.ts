// A ledger on PGlite with one Xero connection pointing at a Xero test server on 127.0.0.1, for
// the drain's tests (in-process and in the SIGKILL child): Tally's default chart mapped onto
// the server's accounts, the server's first tokens as the connection's credentials.
import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { createErpSync, type ErpSync } from '../../../connectors/erp/drain/erpSync.ts'
import { ERP_ADAPTERS } from '../../../connectors/erp/adapters.ts'
import { closePeriod } from '../../../ledger/accounting/closePeriod.ts'
import type { PostingFixture } from '../../../ledger/accounting/postingFixture.ts'
import type { Ledger } from '../../../ledger/ledger.ts'
import { createErpStore, type ErpConnection, type ErpStore } from '../../../ledger/erpStore.ts'
import { systemClock } from '../../../platform/clock.ts'
import type { Database } from '../../../platform/postgres/database.ts'
import { createSecretBox } from '../../../platform/secretBox.ts'
import { XERO_ACCOUNT_MAP } from '../xero/xeroPeer.ts'
import type { XeroTestServer } from '../xero/xeroTestServer.ts'
import { oauth2CredentialsOf } from '../erpTestServerKit.ts'
import { testNow } from '../../support/testLedger.ts'

/** The rest of the default chart onto accounts the server knows (none of these is AR). */
export const ACCOUNT_MAP = { ...XERO_ACCOUNT_MAP, '1150': '820', '2200': '820', '2300': '820', '4200': '200', '4900': '200', '6900': '200' }

export function erpStoreFor(db: Database, secretKey: string): ErpStore {
  return createErpStore(db, { secrets: createSecretBox(secretKey) })
}

export const newSecretKey = () => randomBytes(32).toString('base64')

export async function connectXero(
  erp: ErpStore,
  orgId: string,
  server: Pick<XeroTestServer, 'baseUrl' | 'tokenUrl' | 'tenantId' | 'clientId' | 'clientSecret' | 'initialTokens'>,
): Promise<ErpConnection> {
  return erp.connections.create({
    now: testNow(),
    orgId,
    type: 'xero',
    tenantId: server.tenantId,
    baseUrl: server.baseUrl,
    credentials: oauth2CredentialsOf(server),
    accountMap: ACCOUNT_MAP,
    settings: { base_currency: 'USD', token_url: server.tokenUrl },
    needsItems: false,
  })
}

export function syncFor(erp: ErpStore): ErpSync {
  return createErpSync({ erp, adapters: ERP_ADAPTERS, clock: systemClock, logger: pino({ level: 'silent' }) })
}

/**
 * June's books: invoices a (60.00) and b (40.00), seats in advance over [2024-06-15, 2024-08-15)
 * so they defer; 25.00 paid and 10.00 credited on a; b voided; June closed (its recognition
 * journals). Documents: 1 customer, 2 invoices, 1 payment, 1 credit note, 1 void, the journals.
 */
export async function bookJune(ledger: Ledger, f: PostingFixture, db: Database): Promise<{ a: string; b: string; journals: number }> {
  const invoice = (billingDate: string, total: string) =>
    f.draft({ billingDate, currency: 'USD', total, lines: [{ kind: 'flat_fee', timing: 'in_advance', amount: total, period: [billingDate, '2024-08-15'] }] })
  const a = await invoice('2024-06-15', '60.00')
  const b = await invoice('2024-06-16', '40.00')
  await ledger.invoices.finalize(f.orgId, a, new Date('2024-06-15T12:00:00Z'))
  await ledger.invoices.finalize(f.orgId, b, new Date('2024-06-16T12:00:00Z'))
  await ledger.payments.record({ orgId: f.orgId, invoiceId: a, amount: '25.00', paidOn: '2024-06-20', method: 'card', now: new Date('2024-06-20T09:00:00Z') })
  const [line] = await ledger.invoices.lines(f.orgId, a)
  await ledger.creditNotes.create({
    orgId: f.orgId,
    invoiceId: a,
    reason: 'order_change',
    lines: [{ invoiceLineId: line!.id, amount: '10.00' }],
    now: new Date('2024-06-21T10:00:00Z'),
  })
  await ledger.invoices.void(f.orgId, b, 'issued in error', new Date('2024-06-22T00:00:00Z'))
  const june = await closePeriod({ db }, { orgId: f.orgId, period: '2024-06', at: new Date('2024-07-01T00:00:00Z') })
  return { a, b, journals: june.entriesPosted }
}
