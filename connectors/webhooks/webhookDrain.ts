// The webhook drain: due deliveries (pending, their time come, their endpoint not removed) are
// signed with their endpoint's secret and POSTed, and each attempt is recorded with its outcome
// (retrySchedule.ts). A pass reads again after each batch until nothing is due; retries wait for
// a later pass. One pass at a time per process: a drain asked while one runs joins it.
//
// At least once, with a stable id: an attempt is recorded only after the receiver answered, so
// a process killed between the answer and the record sends the delivery again on the next pass,
// with the same `webhook-id` (the event's), once its lease ends (LEASE_MS). Receivers dedup by
// it (README.md). An exception while recording stops the pass and leaves the delivery pending.
import type { Clock } from '../../platform/clock.ts'
import type { Logger } from '../../platform/logger.ts'
import type { DueDelivery, WebhookStore } from '../../ledger/webhookStore.ts'
import { postWebhook, TIMEOUT_MS } from './postWebhook.ts'
import { decideAttempt } from './retrySchedule.ts'
import { webhookHeaders } from './webhookSignature.ts'

const BATCH = 50
/** How long a claimed delivery is this drain's: the request's timeout and then some. */
const LEASE_MS = TIMEOUT_MS + 50_000

export interface WebhookDrainDeps {
  webhooks: WebhookStore
  /** Signs attempts and dates what is recorded (attempt time, next attempt). */
  clock: Clock
  logger: Logger
  /** TALLY_WEBHOOK_ALLOW_PRIVATE: deliver to loopback and private addresses too (webhookDestination.ts). */
  allowPrivate: boolean
  random?: () => number
  signal?: AbortSignal
}

export interface WebhookDrainSummary {
  delivered: number
  retried: number
  failed: number
}

export interface WebhookDrain {
  drain(): Promise<WebhookDrainSummary>
  /** Starts a pass without waiting for it (after a redelivery); a failure is logged. */
  kick(): void
}

export function createWebhookDrain(deps: WebhookDrainDeps): WebhookDrain {
  const { webhooks, clock } = deps
  const random = deps.random ?? Math.random
  let running: Promise<WebhookDrainSummary> | null = null

  async function attempt(delivery: DueDelivery, secrets: string[], summary: WebhookDrainSummary): Promise<void> {
    const body = JSON.stringify(delivery.event)
    const at = clock.now()
    const headers = webhookHeaders({ secrets, id: delivery.event.id, at, body })
    const result = await postWebhook({ url: delivery.url, headers, body, allowPrivate: deps.allowPrivate, ...(deps.signal ? { signal: deps.signal } : {}) })
    const decision = decideAttempt(result, delivery.attempts + 1, random)
    const outcome = decision.status === 'retry' ? { status: 'retry' as const, nextAttemptAt: new Date(clock.now().getTime() + decision.afterMs) } : decision
    if (decision.status === 'delivered') summary.delivered++
    else if (decision.status === 'retry') summary.retried++
    else summary.failed++
    const { statusCode, durationMs, responseBody, error } = result
    await webhooks.deliveries.record(delivery.id, {
      at,
      statusCode,
      durationMs,
      responseBody,
      error: error ?? (decision.status === 'delivered' ? null : `HTTP ${statusCode}`),
      outcome,
    })
  }

  async function pass(): Promise<WebhookDrainSummary> {
    const summary: WebhookDrainSummary = { delivered: 0, retried: 0, failed: 0 }
    // The secrets that sign at the pass's start (the current one, and a rotation's previous one in its window).
    const signing = new Map<string, Promise<string[]>>()
    const started = clock.now()
    const secretsOf = (endpointId: string) => {
      let secrets = signing.get(endpointId)
      if (secrets === undefined) signing.set(endpointId, (secrets = webhooks.endpoints.secretsOf(endpointId, started)))
      return secrets
    }
    for (;;) {
      deps.signal?.throwIfAborted()
      const now = clock.now()
      const due = await webhooks.deliveries.claimDue({ now, limit: BATCH, leaseUntil: new Date(now.getTime() + LEASE_MS) })
      if (due.length === 0) break
      await Promise.all(due.map(async (d) => attempt(d, await secretsOf(d.endpointId), summary)))
    }
    if (summary.delivered + summary.retried + summary.failed > 0) deps.logger.info({ ...summary }, 'webhooks drained')
    return summary
  }

  const drain = () => (running ??= pass().finally(() => (running = null)))
  return {
    drain,
    kick() {
      drain().catch((err: unknown) => deps.logger.error({ err: (err as Error).message }, 'webhook drain failed'))
    },
  }
}
