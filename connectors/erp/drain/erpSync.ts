// ERP sync for a process: drains one connection on request (`POST …/sync`, `tally erp sync`)
// or every active connection (the scheduled job). Per connection it keeps one request budget
// for the life of the process (the vendor's limits are per tenant, across passes) and runs one
// pass at a time: a sync asked while the scheduler drains the same connection joins that pass.
// The adapter is built for each pass from the stored connection, so refreshed tokens (sealed
// by `storeCredentials`) are the ones used next. Logs name connections and counts, never
// credentials.
import type { Clock } from '../../../platform/clock.ts'
import type { Logger } from '../../../platform/logger.ts'
import type { ErpConnection, ErpStore } from '../../../ledger/erpStore.ts'
import type { AdapterRegistry } from '../adapters.ts'
import { drainConnection, type DrainSummary } from './drainConnection.ts'
import { createRequestBudget, realTime, type BudgetTime, type RequestBudget } from './requestBudget.ts'

export interface ErpSyncDeps {
  erp: ErpStore
  adapters: AdapterRegistry
  clock: Clock
  logger: Logger
  time?: BudgetTime
  random?: () => number
}

export interface ErpSync {
  /** One pass over the connection (404 for another organisation's); with `waitMs`, also the retries falling due within it. */
  drain(orgId: string, connectionId: string, opts?: { waitMs?: number }): Promise<DrainSummary>
  /** A pass over every active connection, one after another; a failing connection is logged and the others still drain. */
  drainAll(): Promise<void>
}

export function createErpSync(deps: ErpSyncDeps): ErpSync {
  const budgets = new Map<string, RequestBudget>()
  const running = new Map<string, Promise<DrainSummary>>()

  async function pass(connection: ErpConnection, waitMs: number): Promise<DrainSummary> {
    const factory = deps.adapters[connection.type]
    if (factory === undefined) throw new Error(`no adapter for ERP type ${connection.type}`)
    const credentials = await deps.erp.connections.credentials(connection.id)
    const adapter = factory.create({
      connection,
      credentials,
      storeCredentials: (c) => deps.erp.connections.storeCredentials(connection.id, c),
      clock: deps.clock,
    })
    let budget = budgets.get(connection.id)
    if (budget === undefined) budgets.set(connection.id, (budget = createRequestBudget(adapter.limits, deps.time ?? realTime)))
    const summary = await drainConnection(
      {
        outbox: deps.erp.outbox,
        adapter,
        budget,
        clock: deps.clock,
        ...(deps.time ? { time: deps.time } : {}),
        ...(deps.random ? { random: deps.random } : {}),
      },
      connection.id,
      { waitMs },
    )
    if (summary.sent + summary.retried + summary.failed > 0)
      deps.logger.info({ connectionId: connection.id, type: connection.type, ...summary }, 'erp outbox drained')
    return summary
  }

  function once(connection: ErpConnection, waitMs: number): Promise<DrainSummary> {
    const current = running.get(connection.id)
    if (current !== undefined) return current
    const started = pass(connection, waitMs).finally(() => running.delete(connection.id))
    running.set(connection.id, started)
    return started
  }

  return {
    async drain(orgId, connectionId, opts = {}) {
      return once(await deps.erp.connections.get(orgId, connectionId), opts.waitMs ?? 0)
    },
    async drainAll() {
      for (const connection of await deps.erp.connections.active()) {
        try {
          await once(connection, 0)
        } catch (err) {
          deps.logger.error({ connectionId: connection.id, err: (err as Error).message }, 'erp outbox drain failed')
        }
      }
    },
  }
}
