// The ERP types Tally can send to: per type, the credentials and settings a connection takes
// (zod, snake_case as the API receives them), its default API root, and how an adapter is
// built from a stored connection, and whether its invoice lines need items. A type without an entry is known (ERP_TYPES) but has no
// adapter yet: connecting one is 422 `erp_type_unavailable`.
import { z } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import type { ErpConnection } from '../../ledger/erpStore.ts'
import type { ErpAdapter, ErpType } from './erpAdapter.ts'
import { createXeroAdapter } from './xero/client.ts'
import { netsuiteFactory } from './netsuite/connection.ts'
import { oauth2Credentials, oauth2Options } from './oauth2Credentials.ts'
import { quickBooksFactory } from './quickbooks/connection.ts'

export interface AdapterBuildInput {
  connection: ErpConnection
  /** The opened credentials, as `credentials` parsed them. */
  credentials: Record<string, unknown>
  /** Seals and stores refreshed credentials (OAuth2 token rotation). */
  storeCredentials(credentials: Record<string, unknown>): Promise<void>
  clock: Clock
}

export interface AdapterFactory {
  credentials: z.ZodType<Record<string, unknown>>
  settings: z.ZodType<Record<string, string>>
  defaultBaseUrl: string
  /**
   * Invoice and credit-note lines go through items (QuickBooks, NetSuite), not accounts: the
   * account map must name `item.<code>` for every revenue and contra-revenue account, checked
   * when the connection or its map is stored.
   */
  needsItems: boolean
  create(input: AdapterBuildInput): ErpAdapter
}

const xero: AdapterFactory = {
  credentials: oauth2Credentials,
  settings: z.strictObject({
    /** Xero manual journals post in the organisation's base currency. */
    base_currency: z.string().regex(/^[A-Z]{3}$/),
    token_url: z.url().default('https://identity.xero.com/connect/token'),
  }),
  defaultBaseUrl: 'https://api.xero.com/api.xro/2.0',
  needsItems: false,
  create({ connection, credentials, storeCredentials, clock }) {
    return createXeroAdapter({
      baseUrl: connection.baseUrl,
      tenantId: connection.tenantId,
      tokenUrl: connection.settings.token_url!,
      ...oauth2Options(credentials, storeCredentials),
      clock,
      accountMap: connection.accountMap,
      baseCurrency: connection.settings.base_currency!,
    })
  },
}

export type AdapterRegistry = Partial<Record<ErpType, AdapterFactory>>

export const ERP_ADAPTERS: AdapterRegistry = { xero, quickbooks: quickBooksFactory, netsuite: netsuiteFactory }
