// A NetSuite connection as `POST /v1/erp/connections` takes it (registered in ../adapters.ts):
// `tenant_id` is the account id; the credentials are the four token-based authentication
// secrets; the settings name the subsidiary, currencies and concurrency share. The account map
// names account internal ids, and `item.<code>` the items sales lines go through (README).
import { z } from 'zod'
import type { ErpConnection } from '../../../ledger/erpStore.ts'
import type { AdapterFactory } from '../adapters.ts'
import { createNetSuiteAdapter } from './client.ts'
import { parseIdList, type NetSuiteMappingConfig } from './mapping.ts'

/** `KEY:internal id` pairs, comma-separated: `USD:1,EUR:4`. */
const idList = (example: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_]+:\d+(,[A-Za-z0-9_]+:\d+)*$/, `KEY:internal id pairs, comma-separated, such as ${example}`)
    .describe(example)

const credentials = z.strictObject({
  consumer_key: z.string().regex(/^[0-9a-f]{64}$/i, 'the integration record consumer key (64 hex characters)'),
  consumer_secret: z.string().regex(/^[0-9a-f]{64}$/i, 'the integration record consumer secret (64 hex characters)'),
  token_id: z.string().regex(/^[0-9a-f]{64}$/i, 'the access token id (64 hex characters)'),
  token_secret: z.string().regex(/^[0-9a-f]{64}$/i, 'the access token secret (64 hex characters)'),
})
type Credentials = z.infer<typeof credentials>

/** The account id sits in the default host: `{account_id}` is replaced by it (lower case, `_` → `-`). */
const DEFAULT_BASE_URL = 'https://{account_id}.suitetalk.api.netsuite.com/services/rest/record/v1'

/** A stored NetSuite connection's mapping (settings checked by the schema below when it was stored). */
export function mappingConfigOf(connection: ErpConnection): NetSuiteMappingConfig {
  return {
    accountMap: connection.accountMap,
    currencies: parseIdList(connection.settings.currencies!),
    subsidiaryId: connection.settings.subsidiary!,
  }
}

export const netsuiteFactory: AdapterFactory = {
  credentials,
  settings: z.strictObject({
    /** Internal id of the subsidiary every record books in (OneWorld requires one). */
    subsidiary: z.string().regex(/^\d+$/, 'the subsidiary internal id'),
    /** ISO code → currency internal id. */
    currencies: idList('USD:1,EUR:4'),
    /** Requests in flight at once (this integration's share of the account's concurrency limit). */
    concurrency: z
      .string()
      .regex(/^([1-9]|[1-9]\d)$/, 'a whole number from 1 to 99')
      .default('5'),
  }),
  defaultBaseUrl: DEFAULT_BASE_URL,
  /** Item lines book to the item's income account: `item.<code>` in the account map. */
  needsItems: true,
  create({ connection, credentials: opened, clock }) {
    const c = opened as Credentials
    const host = connection.tenantId.toLowerCase().replace(/_/g, '-')
    return createNetSuiteAdapter({
      baseUrl: connection.baseUrl.replace('{account_id}', host),
      accountId: connection.tenantId,
      credentials: { consumerKey: c.consumer_key, consumerSecret: c.consumer_secret, tokenId: c.token_id, tokenSecret: c.token_secret },
      concurrency: Number(connection.settings.concurrency ?? '5'),
      clock,
      ...mappingConfigOf(connection),
    })
  },
}
