// The JSON contract of the ERP endpoints (erpRoutes.ts): requests validated by these schemas,
// answers documented with them in /openapi.json. Credentials go in and never come out: no
// answer schema has a field for them.
import { z } from 'zod'
import { ERP_DOCUMENT_KINDS } from '../erpAdapter.ts'

const accountMap = z
  .record(z.string().min(1).max(32), z.string().min(1).max(64))
  .describe(
    "Tally account code → the ERP's account code; every account of the chart but accounts receivable (422 `erp_mapping_incomplete` names the rest). QuickBooks and NetSuite also need `item.<code>` → the item id sales lines of that account go through, for every revenue and contra-revenue account (422 `erp_mapping_incomplete`, `account_map.item.<code>`)",
  )

export const createConnectionRequest = z.strictObject({
  type: z.string().describe('`xero`, `quickbooks` or `netsuite`; anything else 400 `unknown_erp_type`'),
  tenant_id: z.string().min(1).max(200).describe('Xero tenant id, QuickBooks realm id or NetSuite account id'),
  base_url: z.url().optional().describe("The ERP's API root; a sandbox or test server may stand in. Default: the vendor's"),
  credentials: z
    .record(z.string(), z.unknown())
    .describe(
      'Xero and QuickBooks (OAuth2): `client_id`, `client_secret`, `access_token`, `refresh_token`, `expires_at`. NetSuite (token-based auth): `consumer_key`, `consumer_secret`, `token_id`, `token_secret`. Stored encrypted (AES-256-GCM), never returned',
    ),
  settings: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      'Xero: `base_currency` (required), `token_url`. QuickBooks: `token_url`, `minor_version` (default 75). NetSuite: `subsidiary` (internal id), `currencies` (`USD:1,EUR:4`), `concurrency` (default 5)',
    ),
  account_map: accountMap,
})

export const accountMapRequest = z.strictObject({ account_map: accountMap })

export const connectionParams = z.object({ id: z.string().describe('The connection id') })

export const connectionJson = z.object({
  id: z.string(),
  type: z.string(),
  tenant_id: z.string(),
  base_url: z.string(),
  settings: z.record(z.string(), z.string()),
  account_map: z.record(z.string(), z.string()),
  status: z.enum(['active', 'disabled']),
  created_at: z.string(),
})

export const connectionListJson = z.object({ data: z.array(connectionJson) })

export const outboxDocumentJson = z.object({
  id: z.string(),
  kind: z.enum(ERP_DOCUMENT_KINDS),
  tally_id: z.string(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  erp_id: z.string().nullable(),
  last_error: z.string().nullable().describe("The ERP's message of the last refusal or retry"),
  next_attempt_at: z.string().nullable(),
  sent_at: z.string().nullable(),
  created_at: z.string(),
})

export const statusJson = z.object({
  connection: connectionJson,
  counts: z.object({ pending: z.number().int(), sent: z.number().int(), failed: z.number().int() }),
  last_errors: z.array(outboxDocumentJson),
  documents: z.array(outboxDocumentJson).describe('The most recent 200 documents'),
})

export const syncJson = z.object({ sent: z.number().int(), retried: z.number().int(), failed: z.number().int() })

export const retryJson = z.object({ requeued: z.number().int().describe('Failed documents put back to pending') })
