// How a webhook is signed, and the helper receivers verify it with. The scheme is Standard
// Webhooks' (standardwebhooks.com), so any of its libraries verifies Tally's webhooks too:
//
//   webhook-id:        the event id (the same on every attempt and redelivery: dedup by it)
//   webhook-timestamp: seconds since the epoch when this attempt was signed
//   webhook-signature: v1,<base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)>
//
// The key is the bytes of the endpoint's secret after `whsec_` (base64). `body` is the exact
// request body: verify before parsing it. Several signatures may be listed, space-separated
// (`v1,a v1,b`); one match is enough. After a rotation, Tally lists the signature with the new
// secret and the one with the secret it replaced, for the overlap window (README.md). A receiver refuses a timestamp more than
// REPLAY_WINDOW_SECONDS away from its own clock, so a captured request cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const REPLAY_WINDOW_SECONDS = 5 * 60
const SECRET_PREFIX = 'whsec_'

export type WebhookHeaders = { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string }

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')
}

/** `v1,<base64>` over `${id}.${timestamp}.${body}`. */
export function signWebhook(input: { secret: string; id: string; timestamp: number; body: string }): string {
  const mac = createHmac('sha256', keyOf(input.secret)).update(`${input.id}.${input.timestamp}.${input.body}`).digest('base64')
  return `v1,${mac}`
}

/** The three headers of one attempt, signed at `at` with each secret (space-separated signatures, in order). */
export function webhookHeaders(input: { secrets: readonly string[]; id: string; at: Date; body: string }): WebhookHeaders {
  const timestamp = Math.floor(input.at.getTime() / 1000)
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': input.secrets.map((secret) => signWebhook({ secret, id: input.id, timestamp, body: input.body })).join(' '),
  }
}

export class WebhookVerificationError extends Error {
  constructor(
    readonly code: 'missing_headers' | 'timestamp_outside_window' | 'invalid_signature',
    message: string,
  ) {
    super(message)
    this.name = 'WebhookVerificationError'
  }
}

/**
 * For receivers: checks the signature and the replay window, and returns the event id to dedup
 * by. `headers` as the HTTP library gives them (lower-case names); `now` is the receiver's clock.
 * Throws WebhookVerificationError; never trust the body before this returns.
 */
export function verifyWebhook(input: { secret: string; headers: Record<string, string | string[] | undefined>; body: string; now: Date }): { id: string } {
  const header = (name: keyof WebhookHeaders) => {
    const value = input.headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  const id = header('webhook-id')
  const timestamp = header('webhook-timestamp')
  const signatures = header('webhook-signature')
  if (id === undefined || timestamp === undefined || signatures === undefined || !/^\d+$/.test(timestamp))
    throw new WebhookVerificationError('missing_headers', 'webhook-id, webhook-timestamp (seconds) and webhook-signature are required')
  if (Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp)) > REPLAY_WINDOW_SECONDS)
    throw new WebhookVerificationError('timestamp_outside_window', `webhook-timestamp is more than ${REPLAY_WINDOW_SECONDS} s from now`)
  const expected = Buffer.from(signWebhook({ secret: input.secret, id, timestamp: Number(timestamp), body: input.body }))
  const match = signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate)
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
  if (!match) throw new WebhookVerificationError('invalid_signature', 'no signature in webhook-signature matches the body')
  return { id }
}
