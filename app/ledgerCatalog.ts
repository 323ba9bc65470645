import type { IngestCatalog } from '../ingest/catalog.ts'
import type { Ledger } from '../ledger/ledger.ts'
import { NotFoundError } from '../platform/errors.ts'

/** Ingest's view of the ledger: raw metrics and customers. */
export function ledgerCatalog(ledger: Pick<Ledger, 'rawMetrics' | 'customers'>): IngestCatalog {
  return {
    async rawMetric(orgId, name) {
      try {
        const metric = await ledger.rawMetrics.get(orgId, name)
        return { name: metric.name, fieldSchema: metric.fieldSchema ?? null }
      } catch (err) {
        if (err instanceof NotFoundError) return null
        throw err
      }
    },
    existingCustomers(orgId, customerIds) {
      return ledger.customers.exists(orgId, customerIds)
    },
  }
}
