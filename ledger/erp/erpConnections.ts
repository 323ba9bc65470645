// An organisation's ERP connections. Credentials are sealed before they are written
// (platform/secretBox.ts, DESIGN invariant 9): the views every caller gets (`ErpConnection`)
// have no credentials field at all; only the drain opens them (`credentials`), and a token
// refresh seals the new ones (`storeCredentials`). Without TALLY_SECRET_KEY nothing is stored
// (503 `secret_key_missing`).
//
// The account map is checked complete when it is stored (erpMappingCheck.ts): every account a
// document can name must map to an ERP account, and where the ERP books invoice lines through
// items (`needsItems`, declared per type by the adapter registry) every revenue and contra-revenue
// account to an item, so nothing is queued that cannot be sent.
import { and, asc, eq } from 'drizzle-orm'
import { NotFoundError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import type { SecretBox } from '../../platform/secretBox.ts'
import { assertOrgId, isUuid, toIso } from '../ids.ts'
import { insertError } from '../insertError.ts'
import { erpConnections, type ErpConnectionStatus } from '../schema/erp.ts'
import type { ErpType } from './erpDocuments.ts'
import { assertMappingCompleteIn } from './erpMappingCheck.ts'

export interface ErpConnection {
  id: string
  orgId: string
  type: ErpType
  tenantId: string
  baseUrl: string
  /** Tally account code → the ERP's account code. */
  accountMap: Record<string, string>
  /** The adapter's settings that are not secret (Xero: `base_currency`). */
  settings: Record<string, string>
  status: ErpConnectionStatus
  createdAt: string
}

export interface CreateErpConnectionInput {
  orgId: string
  type: ErpType
  tenantId: string
  baseUrl: string
  /** The adapter's credentials (checked by its schema before they get here); sealed as JSON. */
  credentials: Record<string, unknown>
  accountMap: Record<string, string>
  settings: Record<string, string>
  /** The type's invoice lines go through items: the map must name `item.<code>` per revenue and contra-revenue account. */
  needsItems: boolean
  /** When it is created (the caller's clock): `created_at`, and of the chart accounts the check seeds. */
  now: Date
}

export interface ErpConnectionRepository {
  /** 422 `erp_mapping_incomplete` naming each unmapped account and item; 503 `secret_key_missing`; nothing written either way. */
  create(input: CreateErpConnectionInput): Promise<ErpConnection>
  list(orgId: string): Promise<ErpConnection[]>
  /** 404 `erp_connection_not_found` (another organisation's id too). */
  get(orgId: string, id: string): Promise<ErpConnection>
  /** Checked as at create (`needsItems` as the connection's type declares it; `now`, the caller's clock, dates a chart it seeds): 422 `erp_mapping_incomplete`, nothing written. */
  setAccountMap(orgId: string, id: string, accountMap: Record<string, string>, needsItems: boolean, now: Date): Promise<ErpConnection>
  /** Every active connection of every organisation (the scheduled drain). */
  active(): Promise<ErpConnection[]>
  /** The opened credentials: the drain's, never an API answer's or a log line's. */
  credentials(id: string): Promise<Record<string, unknown>>
  /** Seals refreshed credentials (an OAuth2 token refresh). */
  storeCredentials(id: string, credentials: Record<string, unknown>): Promise<void>
}

type Row = typeof erpConnections.$inferSelect

function toConnection(row: Row): ErpConnection {
  return {
    id: row.id,
    orgId: row.orgId,
    type: row.type,
    tenantId: row.tenantId,
    baseUrl: row.baseUrl,
    accountMap: row.accountMap,
    settings: row.settings,
    status: row.status,
    createdAt: toIso(row.createdAt),
  }
}

const notFound = (id: string) => new NotFoundError('erp_connection_not_found', `no ERP connection ${id} in this organisation`)

export function createErpConnectionRepository(db: Database, deps: { secrets: SecretBox }): ErpConnectionRepository {
  const repo: ErpConnectionRepository = {
    async create(input) {
      assertOrgId(input.orgId)
      const sealed = deps.secrets.seal(JSON.stringify(input.credentials))
      try {
        return await db.transaction(async (raw) => {
          const tx = raw as unknown as Database
          await assertMappingCompleteIn(tx, input.orgId, input.accountMap, input.needsItems, input.now)
          const [row] = await tx
            .insert(erpConnections)
            .values({
              orgId: input.orgId,
              type: input.type,
              tenantId: input.tenantId,
              baseUrl: input.baseUrl,
              credentials: sealed,
              accountMap: input.accountMap,
              settings: input.settings,
              createdAt: input.now,
            })
            .returning()
          return toConnection(row!)
        })
      } catch (err) {
        throw insertError(err, input.orgId)
      }
    },

    async list(orgId) {
      assertOrgId(orgId)
      const rows = await db.select().from(erpConnections).where(eq(erpConnections.orgId, orgId)).orderBy(asc(erpConnections.createdAt), asc(erpConnections.id))
      return rows.map(toConnection)
    },

    async get(orgId, id) {
      assertOrgId(orgId)
      if (!isUuid(id)) throw notFound(id)
      const [row] = await db
        .select()
        .from(erpConnections)
        .where(and(eq(erpConnections.orgId, orgId), eq(erpConnections.id, id)))
      if (row === undefined) throw notFound(id)
      return toConnection(row)
    },

    async setAccountMap(orgId, id, accountMap, needsItems, now) {
      await repo.get(orgId, id)
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        await assertMappingCompleteIn(tx, orgId, accountMap, needsItems, now)
        const [row] = await tx.update(erpConnections).set({ accountMap }).where(eq(erpConnections.id, id)).returning()
        return toConnection(row!)
      })
    },

    async active() {
      const rows = await db.select().from(erpConnections).where(eq(erpConnections.status, 'active')).orderBy(asc(erpConnections.createdAt))
      return rows.map(toConnection)
    },

    async credentials(id) {
      const [row] = await db.select({ credentials: erpConnections.credentials }).from(erpConnections).where(eq(erpConnections.id, id))
      if (row === undefined) throw notFound(id)
      return JSON.parse(deps.secrets.open(row.credentials)) as Record<string, unknown>
    },

    async storeCredentials(id, credentials) {
      await db
        .update(erpConnections)
        .set({ credentials: deps.secrets.seal(JSON.stringify(credentials)) })
        .where(eq(erpConnections.id, id))
    },
  }
  return repo
}
