// Remote-mode billable metrics (sql/remoteMetrics.ts's port, implemented structurally: connectors/
// may not import sql/): a version's queries run at its source connection through remoteQuantities.
// Validation runs each query once, for no customer (`{customer_ids}` empty, `{customer_id}` ''), in
// the READ ONLY transaction, and reports the source's refusal as an issue with a stable code.
import { TallyError } from '../../../platform/errors.ts'
import type { SourceStore } from '../../../ledger/sourceStore.ts'
import { openStoredSource } from '../sourceKinds.ts'
import type { SourceDriver } from '../sourceDriver.ts'
import { remoteQueryOf } from './remoteErrors.ts'
import { periodValues, remoteQuantities, REMOTE_LIMITS, type RemoteLimits } from './remoteQuantities.ts'
import type { Clock } from '../../../platform/clock.ts'

export interface RemoteVersion {
  sourceId: string | null
  customerQuery: string
  groupedQuery: string | null
  dimensions: string[]
}

interface Issue {
  query: 'customer_query' | 'aggregate_query'
  code: string
  message: string
}

const VALIDATION_PERIOD = { start: new Date('2000-01-01T00:00:00Z'), end: new Date('2000-01-02T00:00:00Z') }

function issueOf(err: unknown): Issue {
  if (err instanceof TallyError) return { query: 'customer_query', code: err.code, message: err.message }
  throw err
}

/** Each query run once for no customer; what the source refuses (or cannot run at all) becomes an issue. */
async function validateAt(
  driver: SourceDriver,
  version: RemoteVersion,
  limits: RemoteLimits,
): Promise<{ issues: Issue[]; columns: Array<{ name: string; type: string }> }> {
  let remoteQuery: ReturnType<typeof remoteQueryOf>
  try {
    remoteQuery = remoteQueryOf(driver)
  } catch (err) {
    return { issues: [issueOf(err)], columns: [] }
  }
  const period = periodValues(VALIDATION_PERIOD)
  const issues: Issue[] = []
  let columns: string[] = []
  const runs: Array<[string, Record<string, string | string[]>, string[]]> = [
    [version.customerQuery, { ...period, customer_id: '' }, ['quantity', ...version.dimensions]],
  ]
  if (version.groupedQuery !== null) runs.push([version.groupedQuery, { ...period, customer_ids: [] }, ['customer_id', 'quantity', ...version.dimensions]])
  for (const [query, values, needed] of runs) {
    try {
      const result = await remoteQuery({ query, values, ...limits })
      for (const name of needed) {
        if (!result.columns.includes(name))
          issues.push({ query: 'customer_query', code: 'remote_query_missing_column', message: `the query returns no column ${name}` })
      }
      if (columns.length === 0) columns = result.columns
    } catch (err) {
      issues.push(issueOf(err))
    }
  }
  return { issues, columns: columns.map((name) => ({ name, type: 'text' })) }
}

export function createRemoteMetricRunner(deps: { store: SourceStore; limits?: RemoteLimits; validationLimits?: RemoteLimits; clock: Clock }) {
  async function open(orgId: string, sourceId: string | null): Promise<{ driver: SourceDriver; sourceId: string }> {
    const connection = await deps.store.connections.get(orgId, sourceId ?? '')
    return { driver: await openStoredSource(deps.store, connection), sourceId: connection.id }
  }

  return {
    async validate(orgId: string, version: RemoteVersion): Promise<{ issues: Issue[]; columns: Array<{ name: string; type: string }> }> {
      let opened: { driver: SourceDriver; sourceId: string }
      try {
        opened = await open(orgId, version.sourceId)
      } catch (err) {
        return {
          issues: [{ ...issueOf(err), code: 'source_not_found', message: `source ${version.sourceId} does not exist in this organisation` }],
          columns: [],
        }
      }
      try {
        return await validateAt(opened.driver, version, deps.validationLimits ?? { timeoutMs: 10_000, rowLimit: REMOTE_LIMITS.rowLimit })
      } finally {
        await opened.driver.close()
      }
    },

    async quantities(orgId: string, version: RemoteVersion, customerIds: readonly string[], period: { start: Date; end: Date }) {
      const t0 = performance.now()
      const { driver, sourceId } = await open(orgId, version.sourceId)
      const result = await remoteQuantities({ driver, queries: version, customerIds, period, limits: deps.limits, clock: deps.clock }).finally(() =>
        driver.close(),
      )
      const customers = [...result.customers].map(([customerId, usage]) => ({
        customerId,
        quantity: usage.quantity,
        rows: usage.rows.map((row) => ({ ...row.dimensions, quantity: row.quantity })),
      }))
      return {
        customers,
        columns: ['quantity', ...version.dimensions].map((name) => ({ name, type: 'text' })),
        stats: { queries: result.trail.queries, rowsRead: result.trail.rowCount, bytesRead: 0, elapsedMs: performance.now() - t0, form: result.trail.form },
        remote: { sourceId, ...result.trail, rowCount: result.trail.rowCount },
      }
    },
  }
}
