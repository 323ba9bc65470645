// A QuickBooks Online connection as `POST /v1/erp/connections` takes it (registered in
// ../adapters.ts): `tenant_id` is the realm (company) id; the credentials are the OAuth2 client
// and token pair; the settings name Intuit's token URL and the API minor version. The account
// map names QuickBooks Account Ids, and `item.<code>` the Items sales lines go through (README).
import { z } from 'zod'
import type { AdapterFactory } from '../adapters.ts'
import { oauth2Credentials, oauth2Options } from '../oauth2Credentials.ts'
import { createQuickBooksAdapter } from './client.ts'

export const quickBooksFactory: AdapterFactory = {
  credentials: oauth2Credentials,
  settings: z.strictObject({
    token_url: z.url().default('https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'),
    /** Intuit's `minorversion` on every request. */
    minor_version: z
      .string()
      .regex(/^\d{1,3}$/, 'a minor version number such as 75')
      .default('75'),
  }),
  defaultBaseUrl: 'https://quickbooks.api.intuit.com/v3',
  /** Sales lines go through an Item (`item.<code>` in the account map): none has an account field. */
  needsItems: true,
  create({ connection, credentials, storeCredentials, clock }) {
    return createQuickBooksAdapter({
      baseUrl: connection.baseUrl,
      realmId: connection.tenantId,
      tokenUrl: connection.settings.token_url!,
      minorVersion: connection.settings.minor_version!,
      ...oauth2Options(credentials, storeCredentials),
      clock,
      accountMap: connection.accountMap,
    })
  },
}
