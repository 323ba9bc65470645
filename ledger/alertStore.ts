// The ledger's port for alerts: the repository rating's evaluation job reads and fires through
// (rating/execute/alertEvaluation.ts) and the alert routes serve. rating reaches the ledger
// through ratingStore.ts and this module only (lint: eslint.config.js `ONLY_THROUGH`).
import type { Database } from '../platform/postgres/database.ts'
import { createAlertRepository, type AlertRepository } from './alerts/alerts.ts'
export type { Alert, AlertRepository, CreateAlertInput } from './alerts/alerts.ts'
export { ALERT_KINDS, type AlertKind } from './schema/alerts.ts'

export function createAlertStore(db: Database): AlertRepository {
  return createAlertRepository(db)
}
