// Where deliveries may go (connectors/webhooks/webhookDestination.ts), over real sockets with
// the outbox on the given database. With private targets not allowed (the default), a name that
// resolves to 127.0.0.1 (`localhost`), a literal 10.x address, the cloud metadata address and
// ::ffff:127.0.0.1 are refused at delivery: one failed attempt with the reason, no retry, and
// the local receiver gets nothing. The same delivery redelivered by a drain that allows them
// arrives. A 302 is the answer, never followed.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebhookDrain } from '../../connectors/webhooks/webhookDrain.ts'
import { createWebhookStore, type WebhookStore } from '../../ledger/webhookStore.ts'
import { subscriptionsIn, queueWebhookEventIn } from '../../ledger/webhooks/webhookOutboxWrites.ts'
import { newTestOrg, useTestLedger } from '../../ledger/useTestLedger.ts'
import { fixedClock } from '../../platform/clock.ts'
import { createLogger } from '../../platform/logger.ts'
import type { Database, DatabaseHandle } from '../../platform/postgres/database.ts'
import { createSecretBox } from '../../platform/secretBox.ts'
import { newSecretKey } from '../erp/drain/outboxFixture.ts'
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver.ts'

const AT = '2024-06-15T10:00:00.000Z'
const clock = fixedClock(AT)
const logger = createLogger('silent')

export function describeWebhookDestinationsSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`webhook destinations: ${name}`, () => {
    const t = useTestLedger(openHandle)
    let store: WebhookStore
    let receiver: WebhookReceiver
    let redirecting: Server
    let redirectUrl: string
    const drain = (allowPrivate: boolean) => createWebhookDrain({ webhooks: store, clock, logger, allowPrivate, random: () => 0 })

    /** An endpoint at `url` with one payment.recorded delivery queued for it. */
    const endpointWithDelivery = async (url: string) => {
      const org = await newTestOrg(t.ledger, 'Destinations')
      const { secret } = await store.endpoints.create({ orgId: org.id, url, eventTypes: ['payment.recorded'], description: null, now: new Date(AT) })
      await t.handle.db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const event = { orgId: org.id, type: 'payment.recorded' as const, subject: 'pay-1', at: new Date(AT), data: { payment: { amount: '12.50' } } }
        await queueWebhookEventIn(tx, await subscriptionsIn(tx, org.id), event)
      })
      return { orgId: org.id, secret }
    }

    beforeAll(async () => {
      store = createWebhookStore(t.handle.db, { secrets: createSecretBox(newSecretKey()) })
      receiver = await startWebhookReceiver(clock)
      redirecting = createServer((_req, res) => res.writeHead(302, { location: receiver.url }).end())
      await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve))
      redirectUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/moved`
    })
    afterAll(async () => {
      await receiver?.close()
      await new Promise<void>((resolve) => (redirecting ? redirecting.close(() => resolve()) : resolve()))
    })

    const port = () => new URL(receiver.url).port
    it.each([
      [
        'a name resolving to loopback',
        () => `http://localhost:${port()}/hooks`,
        /^forbidden destination: localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
      ],
      [
        'a literal private IPv4 address',
        () => 'http://10.20.30.40/hooks',
        /^forbidden destination: 10\.20\.30\.40 resolves to 10\.20\.30\.40, a private \(RFC 1918\) address/,
      ],
      ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', /a link-local \(cloud metadata\) address/],
      [
        'an IPv4-mapped IPv6 loopback',
        () => `http://[::ffff:127.0.0.1]:${port()}/hooks`,
        /^forbidden destination: \[::ffff:7f00:1\] resolves to ::ffff:7f00:1, a loopback address/,
      ],
    ])('refuses %s at delivery: one failed attempt with the reason, not retried; allowed, it arrives', async (_, url, reason) => {
      const before = receiver.received.length
      const { orgId, secret } = await endpointWithDelivery(url())
      expect(await drain(false).drain()).toEqual({ delivered: 0, retried: 0, failed: 1 })
      const [failed] = await store.deliveries.list(orgId, {})
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastStatus: null, nextAttemptAt: null })
      expect(failed!.lastError).toMatch(reason)
      expect(failed!.lastError).toContain('TALLY_WEBHOOK_ALLOW_PRIVATE=true')
      expect(failed!.attemptLog).toEqual([{ at: AT, statusCode: null, durationMs: expect.any(Number), responseBody: null, error: failed!.lastError }])
      expect(await drain(false).drain()).toEqual({ delivered: 0, retried: 0, failed: 0 })
      expect(receiver.received).toHaveLength(before)
      if (!url().includes(`:${port()}/`)) return
      receiver.secret = secret
      await store.deliveries.redeliver(orgId, failed!.id)
      expect(await drain(true).drain()).toEqual({ delivered: 1, retried: 0, failed: 0 })
      expect(receiver.received).toHaveLength(before + 1)
    })

    it('a redirect is the answer, not followed (even where private targets are allowed): failed with HTTP 302, the target gets nothing', async () => {
      const before = receiver.received.length
      const { orgId } = await endpointWithDelivery(redirectUrl)
      expect(await drain(true).drain()).toEqual({ delivered: 0, retried: 0, failed: 1 })
      expect((await store.deliveries.list(orgId, {}))[0]).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 302, lastError: 'HTTP 302' })
      expect(receiver.received).toHaveLength(before)
    })
  })
}
