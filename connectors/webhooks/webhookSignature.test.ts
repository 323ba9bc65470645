import { describe, expect, it } from 'vitest'
import { REPLAY_WINDOW_SECONDS, signWebhook, verifyWebhook, webhookHeaders, WebhookVerificationError } from './webhookSignature.ts'

// The example of the Standard Webhooks specification (its libraries' shared test vector).
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}

const codeOf = (fn: () => unknown) => {
  try {
    fn()
    return null
  } catch (err) {
    return (err as WebhookVerificationError).code
  }
}

describe('webhook signatures (Standard Webhooks)', () => {
  it("signs the specification's example to its published signature", () => {
    expect(signWebhook(SPEC)).toBe(SPEC.signature)
  })

  it('verifies within the 5-minute window and answers the id to dedup by; one of several signatures is enough', () => {
    const headers = { 'webhook-id': SPEC.id, 'webhook-timestamp': String(SPEC.timestamp), 'webhook-signature': `v1,bm90IGl0 ${SPEC.signature}` }
    const at = (seconds: number) => new Date((SPEC.timestamp + seconds) * 1000)
    expect(verifyWebhook({ secret: SPEC.secret, headers, body: SPEC.body, now: at(REPLAY_WINDOW_SECONDS) })).toEqual({ id: SPEC.id })
    expect(verifyWebhook({ secret: SPEC.secret, headers, body: SPEC.body, now: at(-REPLAY_WINDOW_SECONDS) })).toEqual({ id: SPEC.id })
    expect(codeOf(() => verifyWebhook({ secret: SPEC.secret, headers, body: SPEC.body, now: at(REPLAY_WINDOW_SECONDS + 1) }))).toBe('timestamp_outside_window')
  })

  it('refuses a changed body, another secret, a changed id and missing headers', () => {
    const now = new Date('2026-03-01T10:00:00Z')
    const headers = webhookHeaders({ secrets: [SPEC.secret], id: 'evt_1', at: now, body: '{"a":"1.00"}' })
    expect(headers['webhook-timestamp']).toBe(String(Date.parse('2026-03-01T10:00:00Z') / 1000))
    const verify = (over: object) => codeOf(() => verifyWebhook({ secret: SPEC.secret, headers, body: '{"a":"1.00"}', now, ...over }))
    expect(verify({})).toBeNull()
    expect(verify({ body: '{"a":"2.00"}' })).toBe('invalid_signature')
    expect(verify({ secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).toBe('invalid_signature')
    expect(verify({ headers: { ...headers, 'webhook-id': 'evt_2' } })).toBe('invalid_signature')
    expect(verify({ headers: { 'webhook-id': 'evt_1' } })).toBe('missing_headers')
  })

  it("signed with two secrets (a rotation's overlap): each secret verifies it, another does not", () => {
    const [current, previous, other] = ['whsec_' + 'A'.repeat(43) + '=', SPEC.secret, 'whsec_' + 'B'.repeat(43) + '=']
    const headers = webhookHeaders({ secrets: [current, previous], id: SPEC.id, at: new Date(SPEC.timestamp * 1000), body: SPEC.body })
    // The specification's example signature is the second one: the previous secret signs exactly as it did.
    expect(headers['webhook-signature']).toBe(`${signWebhook({ secret: current, id: SPEC.id, timestamp: SPEC.timestamp, body: SPEC.body })} ${SPEC.signature}`)
    const verify = (secret: string) => codeOf(() => verifyWebhook({ secret, headers, body: SPEC.body, now: new Date(SPEC.timestamp * 1000) }))
    expect([verify(current), verify(previous), verify(other)]).toEqual([null, null, 'invalid_signature'])
  })
})
