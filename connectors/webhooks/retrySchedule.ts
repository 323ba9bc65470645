// What an attempt's answer means, and when the next attempt goes. A 2xx is delivered. A
// timeout, a connection error, 408, 429 and 5xx are the receiver's trouble, retried; any other
// status (400, 401, 404, 410…) is the receiver refusing the request, and sending it again would
// get the same answer, so the delivery fails at once (redeliver it once the receiver is fixed).
// So does a forbidden destination (webhookDestination.ts): nothing was sent, and the same
// address would be refused again.
//
// Retries follow the ERP drain's curve (connectors/erp/drain/retryDelay.ts: Retry-After first,
// else doubling with equal jitter) from 10 s, capped at 12 h, for at most MAX_ATTEMPTS attempts;
// after the last one the delivery is `failed`. The ceilings of the 17 waits add up to
// 10 s × (2^13 − 1) + 4 × 12 h = 254,710 s ≈ 2.95 days; with jitter (each wait between half its
// ceiling and all of it) the last attempt comes 1.5 to 3 days after the first.
import { retryDelayMs } from '../erp/drain/retryDelay.ts'

export const MAX_ATTEMPTS = 18
const BASE_MS = 10_000
const CAP_MS = 12 * 3_600_000

/** `statusCode` null: no answer (timeout, connection error, forbidden destination). */
export type AttemptResult = { statusCode: number | null; retryAfterMs: number | null; forbidden?: boolean }

export type AttemptDecision = { status: 'delivered' } | { status: 'retry'; afterMs: number } | { status: 'failed' }

export function retryable(statusCode: number | null): boolean {
  return statusCode === null || statusCode === 408 || statusCode === 429 || statusCode >= 500
}

/** `attempts`: attempts made so far, this one included (≥ 1). `random` in [0, 1). */
export function decideAttempt(result: AttemptResult, attempts: number, random: () => number): AttemptDecision {
  if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) return { status: 'delivered' }
  if (result.forbidden === true || !retryable(result.statusCode) || attempts >= MAX_ATTEMPTS) return { status: 'failed' }
  return { status: 'retry', afterMs: retryDelayMs({ attempts, afterMs: result.retryAfterMs, random, baseMs: BASE_MS, capMs: CAP_MS }) }
}
