// One drain pass over a connection's outbox: due rows (pending, their time come, their
// dependency sent) go to the adapter within the connection's budget, and each answer is
// recorded: 'sent' → the ERP's id; 'retry' → the next attempt after Retry-After or backoff
// (retryDelay.ts); 'failed' → parked with the ERP's message. Sending a customer makes its
// invoices due, so the pass reads again until nothing is due; with `waitMs` it also waits for
// retries falling due within that time (`tally erp sync`), otherwise the next pass takes them.
//
// Crash safety: a row is recorded only after the ERP answered, with the same idempotency key
// on every attempt (the row's), so a process killed in between resends it and the ERP answers
// with the document it already holds (DESIGN invariant 8). An exception from an adapter (a
// bug, not an answer) stops the pass; the row stays pending.
import type { Clock } from '../../../platform/clock.ts'
import type { ErpOutboxRepository, OutboxRow } from '../../../ledger/erpStore.ts'
import type { ErpAdapter, ErpDocument, ErpRefs, SendOutcome } from '../erpAdapter.ts'
import { realTime, type BudgetTime, type RequestBudget } from './requestBudget.ts'
import { retryDelayMs } from './retryDelay.ts'

const BATCH = 100
/** Waking this much after a retry's time absorbs the gap between the clock and the monotonic timer. */
const SLACK_MS = 20

export interface DrainDeps {
  outbox: ErpOutboxRepository
  adapter: ErpAdapter
  budget: RequestBudget
  /** Dates what is recorded (next attempt, sent at). */
  clock: Clock
  /** Waits (a retry falling due within `waitMs`); monotonic. */
  time?: BudgetTime
  random?: () => number
  signal?: AbortSignal
}

export interface DrainSummary {
  sent: number
  retried: number
  failed: number
}

/** The Tally ids a document names whose ERP ids the adapter needs (its customer, its invoice). */
function referencedIds(document: ErpDocument): string[] {
  switch (document.kind) {
    case 'invoice':
      return [document.customerTallyId]
    case 'credit_note':
      return [document.customerTallyId, document.invoiceTallyId]
    case 'payment':
    case 'invoice_void':
      return [document.invoiceTallyId]
    case 'journal':
      return document.lines.flatMap((l) => (l.customerTallyId === null ? [] : [l.customerTallyId]))
    default:
      return []
  }
}

async function refsFor(outbox: ErpOutboxRepository, connectionId: string, rows: OutboxRow[]): Promise<ErpRefs> {
  const ids = await outbox.erpIds(connectionId, [...new Set(rows.flatMap((r) => referencedIds(r.document)))])
  const byKey = new Map(ids.map((r) => [`${r.kind}/${r.tallyId}`, r.erpId]))
  return { erpIdOf: (kind, tallyId) => byKey.get(`${kind}/${tallyId}`) }
}

export async function drainConnection(deps: DrainDeps, connectionId: string, opts: { waitMs?: number } = {}): Promise<DrainSummary> {
  const { outbox, clock } = deps
  const time = deps.time ?? realTime
  const random = deps.random ?? Math.random
  const signal = deps.signal ?? new AbortController().signal
  const deadline = time.now() + (opts.waitMs ?? 0)
  const summary: DrainSummary = { sent: 0, retried: 0, failed: 0 }
  // Monotonic times at which rows retried in this pass fall due (a little after their recorded next attempt).
  let retryAt: number[] = []

  async function record(row: OutboxRow, outcome: SendOutcome): Promise<void> {
    if (outcome.status === 'sent') {
      summary.sent++
      return outbox.markSent(row.id, outcome.erpId, clock.now())
    }
    if (outcome.status === 'failed') {
      summary.failed++
      return outbox.markFailed(row.id, `${outcome.code}: ${outcome.message}`)
    }
    summary.retried++
    const delay = retryDelayMs({ attempts: row.attempts + 1, afterMs: outcome.afterMs, random })
    const nextAttemptAt = new Date(clock.now().getTime() + delay)
    retryAt.push(time.now() + delay + SLACK_MS)
    await outbox.markRetry(row.id, { nextAttemptAt, error: outcome.reason })
  }

  async function send(row: OutboxRow, refs: ErpRefs): Promise<void> {
    // The adapter takes a slot of the budget for each request it makes (erpAdapter.ts).
    const outcome = await deps.adapter.send({ document: row.document, refs, idempotencyKey: row.idempotencyKey, budget: deps.budget, signal })
    await record(row, outcome)
  }

  for (;;) {
    signal.throwIfAborted()
    const due = await outbox.due(connectionId, clock.now(), BATCH)
    if (due.length === 0) {
      const now = time.now()
      retryAt = retryAt.filter((t) => t > now)
      const next = Math.min(...retryAt)
      if (next > deadline) return summary
      await time.sleep(next - now, signal)
      continue
    }
    const refs = await refsFor(outbox, connectionId, due)
    await Promise.all(due.map((row) => send(row, refs)))
  }
}
