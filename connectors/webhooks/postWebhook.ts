// One attempt: a POST of the event's JSON with its signed headers, answered or not within
// TIMEOUT_MS. What came back is returned, never thrown: a refused connection, a DNS failure and
// a timeout are answers too (no status, an error text), and the drain decides on them.
import { performance } from 'node:perf_hooks'
import type { WebhookHeaders } from './webhookSignature.ts'

export const TIMEOUT_MS = 10_000

export interface PostResult {
  statusCode: number | null
  /** Seconds of a 429's or 503's Retry-After, in ms; null when absent or not a number of seconds. */
  retryAfterMs: number | null
  durationMs: number
  responseBody: string | null
  error: string | null
}

export async function postWebhook(input: { url: string; headers: WebhookHeaders; body: string; signal?: AbortSignal }): Promise<PostResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const timeout = AbortSignal.timeout(TIMEOUT_MS)
  try {
    const response = await fetch(input.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Tally-Webhooks/1', ...input.headers },
      body: input.body,
      redirect: 'manual',
      signal: input.signal === undefined ? timeout : AbortSignal.any([timeout, input.signal]),
    })
    const responseBody = await response.text()
    const retryAfter = response.headers.get('retry-after')
    return {
      statusCode: response.status,
      retryAfterMs: retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : null,
      durationMs: elapsed(),
      responseBody,
      error: null,
    }
  } catch (err) {
    // Stopping the process is not the receiver's answer: nothing is recorded, the next pass resends.
    if (input.signal?.aborted === true) throw err
    const cause = (err as Error & { cause?: { code?: string } }).cause?.code
    const error = timeout.aborted
      ? `timeout after ${TIMEOUT_MS} ms`
      : cause !== undefined
        ? `connection error: ${cause}`
        : `request failed: ${(err as Error).message}`
    return { statusCode: null, retryAfterMs: null, durationMs: elapsed(), responseBody: null, error }
  }
}
