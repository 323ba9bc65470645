// Connections and outbox rows as the API answers them (snake_case). A connection's JSON is
// built field by field from the view, which has no credentials: nothing secret can leak here.
import type { ErpConnection, OutboxRow } from '../../../ledger/erpStore.ts'

export function connectionToJson(c: ErpConnection) {
  return {
    id: c.id,
    type: c.type,
    tenant_id: c.tenantId,
    base_url: c.baseUrl,
    settings: c.settings,
    account_map: c.accountMap,
    status: c.status,
    created_at: c.createdAt,
  }
}

export function outboxRowToJson(r: OutboxRow) {
  return {
    id: r.id,
    kind: r.kind,
    tally_id: r.tallyId,
    status: r.status,
    attempts: r.attempts,
    erp_id: r.erpId,
    last_error: r.lastError,
    next_attempt_at: r.nextAttemptAt,
    sent_at: r.sentAt,
    created_at: r.createdAt,
  }
}
