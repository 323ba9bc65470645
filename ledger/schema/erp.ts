import { sql } from 'drizzle-orm'
import { type AnyPgColumn, check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { ERP_DOCUMENT_KINDS, ERP_TYPES, type ErpDocument, type ErpDocumentKind, type ErpType } from '../erp/erpDocuments.ts'
import { oneOf } from './oneOf.ts'
import { organisations } from './organisations.ts'

export type ErpConnectionStatus = 'active' | 'disabled'
export type ErpOutboxStatus = 'pending' | 'sent' | 'failed'

// An organisation's link to one ERP tenant (Xero tenant, QuickBooks realm, NetSuite account).
// `credentials` is the AES-256-GCM box of the OAuth2 client and tokens or NetSuite token-based
// auth (platform/secretBox.ts), never plaintext; `account_map` maps Tally account codes to the
// ERP's, checked complete when it is stored so nothing is queued that cannot be sent.
export const erpConnections = pgTable(
  'erp_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    type: text('type').$type<ErpType>().notNull(),
    /** Xero tenant id, QuickBooks realm id or NetSuite account id. */
    tenantId: text('tenant_id').notNull(),
    baseUrl: text('base_url').notNull(),
    credentials: text('credentials').notNull(),
    accountMap: jsonb('account_map').$type<Record<string, string>>().notNull(),
    /** The adapter's settings that are not secret (Xero: the organisation's base currency). */
    settings: jsonb('settings').$type<Record<string, string>>().notNull().default({}),
    status: text('status').$type<ErpConnectionStatus>().notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('erp_connections_org').on(t.orgId),
    check('erp_connections_type', oneOf(t.type, ERP_TYPES)),
    check('erp_connections_status', oneOf(t.status, ['active', 'disabled'])),
  ],
)

// The transactional outbox (DESIGN invariant 8): one row per document and connection, written
// in the transaction of the ledger change, sent by connectors/erp/drain with `idempotency_key`
// (stable per row, so a resend after a crash is the ERP's replay, not a second copy).
// `depends_on` is the row that must be sent first (the customer of an invoice, the invoice of a
// payment, credit note or void).
export const erpOutbox = pgTable(
  'erp_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => erpConnections.id),
    kind: text('kind').$type<ErpDocumentKind>().notNull(),
    tallyId: text('tally_id').notNull(),
    snapshot: jsonb('snapshot').$type<ErpDocument>().notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    dependsOn: uuid('depends_on').references((): AnyPgColumn => erpOutbox.id),
    status: text('status').$type<ErpOutboxStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Null: due at once (a new or retried row; the ledger's transaction knows no caller's clock). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    erpId: text('erp_id'),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('erp_outbox_document_unique').on(t.connectionId, t.kind, t.tallyId),
    unique('erp_outbox_idempotency_key_unique').on(t.idempotencyKey),
    index('erp_outbox_due').on(t.connectionId, t.status, t.nextAttemptAt),
    check('erp_outbox_kind', oneOf(t.kind, ERP_DOCUMENT_KINDS)),
    check('erp_outbox_status', oneOf(t.status, ['pending', 'sent', 'failed'])),
    check('erp_outbox_sent_has_erp_id', sql`${t.status} <> 'sent' or ${t.erpId} is not null`),
  ],
)
