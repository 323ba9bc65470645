// One attempt: a POST of the event's JSON with its signed headers, answered or not within
// TIMEOUT_MS. What came back is returned, never thrown: a refused connection, a DNS failure and
// a timeout are answers too (no status, an error text), and the drain decides on them.
//
// node:http(s) rather than fetch, for two reasons: redirects are never followed (a 3xx is the
// answer), and the socket's DNS lookup is ours (webhookDestination.ts): unless `allowPrivate`,
// the address connected to is checked, and a forbidden one is `forbidden` (no request is sent).
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { performance } from 'node:perf_hooks'
import { guardedLookup, literalRefusal } from './webhookDestination.ts'
import type { WebhookHeaders } from './webhookSignature.ts'

export const TIMEOUT_MS = 10_000

export interface PostResult {
  statusCode: number | null
  /** Seconds of a 429's or 503's Retry-After, in ms; null when absent or not a number of seconds. */
  retryAfterMs: number | null
  durationMs: number
  responseBody: string | null
  error: string | null
  /** The destination is loopback, private, link-local… and private targets are not allowed: nothing was sent. */
  forbidden: boolean
}

export interface PostInput {
  url: string
  headers: WebhookHeaders
  body: string
  /** TALLY_WEBHOOK_ALLOW_PRIVATE: send to loopback and private addresses too. */
  allowPrivate: boolean
  signal?: AbortSignal
}

function send(input: PostInput, signal: AbortSignal): Promise<IncomingMessage & { text: string }> {
  const url = new URL(input.url)
  const refusal = input.allowPrivate ? null : literalRefusal(url.hostname)
  if (refusal !== null) return Promise.reject(refusal)
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Tally-Webhooks/1', 'content-length': Buffer.byteLength(input.body), ...input.headers },
        signal,
        ...(input.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve(Object.assign(response, { text: Buffer.concat(chunks).toString('utf8') })))
        response.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(input.body)
  })
}

export async function postWebhook(input: PostInput): Promise<PostResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const timeout = AbortSignal.timeout(TIMEOUT_MS)
  try {
    const response = await send(input, input.signal === undefined ? timeout : AbortSignal.any([timeout, input.signal]))
    const retryAfter = response.headers['retry-after']
    return {
      statusCode: response.statusCode ?? null,
      retryAfterMs: retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : null,
      durationMs: elapsed(),
      responseBody: response.text,
      error: null,
      forbidden: false,
    }
  } catch (err) {
    // Stopping the process is not the receiver's answer: nothing is recorded, the next pass resends.
    if (input.signal?.aborted === true) throw err
    const code = (err as NodeJS.ErrnoException).code
    const forbidden = code === 'WEBHOOK_FORBIDDEN_DESTINATION'
    const error = forbidden
      ? `forbidden destination: ${(err as Error).message}`
      : timeout.aborted
        ? `timeout after ${TIMEOUT_MS} ms`
        : code !== undefined
          ? `connection error: ${code}`
          : `request failed: ${(err as Error).message}`
    return { statusCode: null, retryAfterMs: null, durationMs: elapsed(), responseBody: null, error, forbidden }
  }
}
