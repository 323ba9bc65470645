// What ingest needs to know from the ledger, behind a narrow port so the gateway does not
// depend on Postgres: whether a raw metric exists (and its optional field schema), and which
// customers exist. The cached decorator keeps the hot path off the database.

export type FieldType = 'number' | 'string' | 'boolean'

export interface RawMetricInfo {
  name: string
  fieldSchema: Record<string, FieldType> | null
}

export interface IngestCatalog {
  rawMetric(orgId: string, name: string): Promise<RawMetricInfo | null>
  /** The subset of `customerIds` that exist in the organisation. */
  existingCustomers(orgId: string, customerIds: string[]): Promise<Set<string>>
}

interface Entry<T> {
  value: T
  expires: number
}

/**
 * Caches raw metrics (present and absent) for `ttlMs`, and customers that exist until
 * evicted: customers are never deleted, so a positive answer stays true. Absent customers
 * are asked again each time, so a customer created a moment ago is accepted at once.
 */
export function cachedCatalog(
  inner: IngestCatalog,
  opts: { ttlMs: number; maxEntries?: number },
): IngestCatalog & {
  forgetRawMetric(orgId: string, name: string): void
} {
  const maxEntries = opts.maxEntries ?? 100_000
  const metrics = new Map<string, Entry<RawMetricInfo | null>>()
  const customers = new Set<string>()
  return {
    async rawMetric(orgId, name) {
      const key = `${orgId}\u0000${name}`
      const hit = metrics.get(key)
      if (hit !== undefined && hit.expires > Date.now()) return hit.value
      const value = await inner.rawMetric(orgId, name)
      if (metrics.size >= maxEntries) metrics.clear()
      metrics.set(key, { value, expires: Date.now() + opts.ttlMs })
      return value
    },
    async existingCustomers(orgId, customerIds) {
      const found = new Set<string>()
      const unknown: string[] = []
      for (const id of customerIds) {
        if (customers.has(`${orgId}\u0000${id}`)) found.add(id)
        else unknown.push(id)
      }
      if (unknown.length > 0) {
        if (customers.size >= maxEntries) customers.clear()
        for (const id of await inner.existingCustomers(orgId, unknown)) {
          found.add(id)
          customers.add(`${orgId}\u0000${id}`)
        }
      }
      return found
    },
    forgetRawMetric(orgId, name) {
      metrics.delete(`${orgId}\u0000${name}`)
    },
  }
}
