// Webhooks end to end over HTTP on a whole embedded Tally (chDB events, the given Postgres) and a
// receiver over real sockets that verifies every request with the published helper: lifecycle
// events queued with their changes and delivered signed; a receiver failing twice then taking
// it; a receiver that is down until the schedule gives up; redelivery; a crash between the send
// and the record (the receiver dedups by webhook-id); a 4xx that fails at once; removal; bad
// input; and the signing secret in no answer but the two that hand it out, nor in any log line.
// The app's clock and the drain's are one settable clock; the drain's jitter is fixed at 0.
import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebhookDrain, type WebhookDrain } from '../../connectors/webhooks/webhookDrain.ts'
import { createWebhookStore, type WebhookStore } from '../../ledger/webhookStore.ts'
import { createSecretBox } from '../../platform/secretBox.ts'
import { queryRows } from '../../platform/postgres/queryRows.ts'
import { newSecretKey } from '../erp/drain/outboxFixture.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { createApiCallCountMetric, type Harness, openHarness, REFERENCE_ORG, seed } from '../support/tallyHarness.ts'
import { deadUrl, startWebhookReceiver, type WebhookReceiver } from './webhookReceiver.ts'
import { apiCallEvents } from '../support/apiCallEvents.ts'

export function describeWebhooksSuite(name: string, env: () => Promise<Record<string, string>>): void {
  // The environment of the suite's Tally (its database), for a second one without TALLY_WEBHOOK_ALLOW_PRIVATE.
  let baseEnv: Record<string, string>
  describe(`webhooks over HTTP: ${name}`, () => {
    let t = Date.parse('2024-04-05T00:00:00Z')
    const clock = { now: () => new Date(t) }
    const at = (iso: string) => (t = Date.parse(iso))
    const logLines: string[] = []
    const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }))
    const answers: string[] = []
    const secrets: string[] = []
    let h: Harness
    let receiver: WebhookReceiver
    let store: WebhookStore
    let drain: WebhookDrain
    const ids = { endpoint: '', down: '', invoices: {} as Record<string, string>, grant: '' }

    const call = async (method: string, path: string, body?: object) => {
      const res = await h.request(method, path, body === undefined ? {} : { body })
      const text = await res.text()
      answers.push(text)
      return { status: res.status, body: text === '' ? null : JSON.parse(text) }
    }
    const deliveries = async (query = '') => (await call('GET', `/v1/webhooks/deliveries${query}`)).body.data
    const deliveryOf = async (type: string, endpoint: string) =>
      (await deliveries(`?endpoint=${endpoint}`)).find((d: { event_type: string }) => d.event_type === type)

    beforeAll(async () => {
      const key = newSecretKey()
      baseEnv = { ...(await env()), TALLY_SECRET_KEY: key }
      h = await openHarness({ ...baseEnv, TALLY_WEBHOOK_ALLOW_PRIVATE: 'true' }, { clock })
      store = createWebhookStore(h.tally.database.db, { secrets: createSecretBox(key) })
      drain = createWebhookDrain({ webhooks: store, clock, logger, allowPrivate: true, random: () => 0 })
      receiver = await startWebhookReceiver(clock)
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex', 'initech'] })
      await createApiCallCountMetric(h)
      const product = await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })
      for (const customer of ['acme', 'globex', 'initech']) {
        const contract = await h.json('POST', '/v1/contracts', {
          body: monthlyContract(customer, [usdItem(product.body.id, 'in_arrears', { unit_price: '1.00' })], { start_date: '2024-03-01' }),
        })
        ids.invoices[customer] = contract.body.id
      }
      expect(
        (
          await h.json('POST', '/v1/events', {
            body: [...apiCallEvents('acme', '03', 30), ...apiCallEvents('globex', '03', 80), ...apiCallEvents('initech', '03', 10)],
          })
        ).status,
      ).toBe(202)
    })
    afterAll(async () => {
      await receiver?.close()
      await h?.close()
    })

    it('adds an endpoint: the secret is answered once (whsec_, 32 bytes) and stored sealed; the list has no secret', async () => {
      const created = await call('POST', '/v1/webhooks/endpoints', {
        url: receiver.url,
        event_types: ['invoice.drafted', 'invoice.finalized', 'invoice.voided', 'payment.recorded', 'credit.low'],
        description: 'books',
      })
      expect(created).toMatchObject({ status: 201, body: { url: receiver.url, description: 'books', created_at: '2024-04-05T00:00:00.000Z' } })
      expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
      ids.endpoint = created.body.id
      receiver.secret = created.body.secret
      secrets.push(created.body.secret)
      const listed = await call('GET', '/v1/webhooks/endpoints')
      expect(listed.body.data).toEqual([
        {
          id: ids.endpoint,
          url: receiver.url,
          event_types: created.body.event_types,
          description: 'books',
          created_at: '2024-04-05T00:00:00.000Z',
          previous_secret_expires_at: null,
        },
      ])
      const [row] = await queryRows<{ secret: string }>(h.tally.database.db, sql`select secret from webhook_endpoints where id = ${ids.endpoint}`)
      expect(row!.secret.startsWith('v1:')).toBe(true)
      expect(row!.secret).not.toContain(created.body.secret.slice(6))
    })

    it('queues each change with it and delivers them signed: drafted, finalized, credit.low, payment.recorded, voided', async () => {
      ids.grant = (await call('POST', '/v1/customers/acme/credits', { amount: '35.00', effective_date: '2024-03-01' })).body.id
      expect((await call('POST', '/v1/rating/runs', { as_of: '2024-04-05T00:00:00Z' })).status).toBe(200)
      const invoices = (await call('GET', '/v1/invoices')).body.data as { id: string; contract_id: string; total: string }[]
      const invoiceOf = (customer: string) => invoices.find((i) => i.contract_id === ids.invoices[customer])!
      at('2024-04-06T09:00:00Z')
      for (const customer of ['acme', 'globex', 'initech']) expect((await call('POST', `/v1/invoices/${invoiceOf(customer).id}/finalize`)).status).toBe(200)
      at('2024-04-06T10:00:00Z')
      const paid = await call('POST', `/v1/invoices/${invoiceOf('globex').id}/payments`, { amount: '50.00', paid_on: '2024-04-06', method: 'bank_transfer' })
      expect(paid.status).toBe(201)
      expect((await call('POST', `/v1/invoices/${invoiceOf('initech').id}/void`, { reason: 'issued in error' })).status).toBe(200)
      // Refused changes queue nothing: an overpayment (80.00 − 50.00 = 30.00 due) writes no payment and no event.
      expect((await call('POST', `/v1/invoices/${invoiceOf('globex').id}/payments`, { amount: '30.01', paid_on: '2024-04-06', method: 'card' })).status).toBe(
        422,
      )
      expect(await deliveries('?status=pending')).toHaveLength(9)

      at('2024-04-06T11:00:00Z')
      expect(await drain.drain()).toEqual({ delivered: 9, retried: 0, failed: 0 })
      expect(receiver.refused).toBe(0)
      const byType = new Map<string, any[]>()
      for (const e of receiver.events.values()) byType.set(e.type, [...(byType.get(e.type) ?? []), e])
      expect(Object.fromEntries([...byType].map(([type, list]) => [type, list.length]))).toEqual({
        'invoice.drafted': 3,
        'invoice.finalized': 3,
        'credit.low': 1,
        'payment.recorded': 1,
        'invoice.voided': 1,
      })
      const [payment] = byType.get('payment.recorded')!
      expect(payment).toEqual({
        id: payment.id,
        type: 'payment.recorded',
        created_at: '2024-04-06T10:00:00.000Z',
        organisation: REFERENCE_ORG,
        data: {
          payment: { id: paid.body.id, amount: '50.00', currency: 'USD', paid_on: '2024-04-06', method: 'bank_transfer', reference: null },
          invoice: expect.objectContaining({ id: invoiceOf('globex').id, customer_id: 'globex', status: 'finalized', total: '80.00', currency: 'USD' }),
        },
      })
      expect(byType.get('invoice.finalized')!.map((e) => e.created_at)).toEqual(Array(3).fill('2024-04-06T09:00:00.000Z'))
      expect(byType.get('invoice.voided')![0].data.invoice).toMatchObject({
        customer_id: 'initech',
        status: 'void',
        total: '10.00',
        void_reason: 'issued in error',
      })
      // acme: 30 calls × 1.00 = 30.00 drawn from 35.00: 5.00 left, under 35.00 × 0.2 = 7.00 (and 35.00 ≥ 7.00 before).
      expect(byType.get('credit.low')![0]).toMatchObject({
        created_at: '2024-04-06T09:00:00.000Z',
        data: { credit_grant: { id: ids.grant, currency: 'USD', credited: '35.00', balance: '5.00', threshold: '7.00' }, invoice_id: invoiceOf('acme').id },
      })
      const delivered = await deliveries('?status=delivered')
      expect(delivered).toHaveLength(9)
      expect(delivered[0]).toMatchObject({ attempts: 1, last_status: 200, delivered_at: '2024-04-06T11:00:00.000Z', next_attempt_at: null })
      expect(delivered[0].attempt_log).toEqual([
        { at: '2024-04-06T11:00:00.000Z', status_code: 200, duration_ms: expect.any(Number), response_body: 'ok', error: null },
      ])
    })

    it('a receiver failing twice (503) gets it on the third attempt, 5 s then 10 s later; every attempt is logged; a down receiver is retried meanwhile', async () => {
      const down = await call('POST', '/v1/webhooks/endpoints', { url: await deadUrl(), event_types: ['payment.recorded'] })
      ids.down = down.body.id
      secrets.push(down.body.secret)
      receiver.plan([503, 503])
      const globex = (await call('GET', '/v1/invoices')).body.data.find((i: { contract_id: string }) => i.contract_id === ids.invoices.globex)
      at('2024-04-07T08:00:00Z')
      expect((await call('POST', `/v1/invoices/${globex.id}/payments`, { amount: '30.00', paid_on: '2024-04-07', method: 'card' })).status).toBe(201)
      expect(await drain.drain()).toEqual({ delivered: 0, retried: 2, failed: 0 })
      const first = await deliveryOf('payment.recorded', ids.endpoint)
      // Attempt 1 failed: the wait is half of 10 s (jitter 0).
      expect(first).toMatchObject({ status: 'pending', attempts: 1, last_status: 503, last_error: 'HTTP 503', next_attempt_at: '2024-04-07T08:00:05.000Z' })
      expect(await drain.drain()).toEqual({ delivered: 0, retried: 0, failed: 0 })
      at('2024-04-07T08:00:05Z')
      expect(await drain.drain()).toEqual({ delivered: 0, retried: 2, failed: 0 })
      at('2024-04-07T08:00:15Z')
      expect(await drain.drain()).toEqual({ delivered: 1, retried: 1, failed: 0 })
      const done = await deliveryOf('payment.recorded', ids.endpoint)
      expect(done).toMatchObject({ status: 'delivered', attempts: 3, delivered_at: '2024-04-07T08:00:15.000Z' })
      expect(done.attempt_log.map((a: { status_code: number; response_body: string; at: string }) => [a.at, a.status_code, a.response_body])).toEqual([
        ['2024-04-07T08:00:00.000Z', 503, 'busy, try later'],
        ['2024-04-07T08:00:05.000Z', 503, 'busy, try later'],
        ['2024-04-07T08:00:15.000Z', 200, 'ok'],
      ])
      expect(receiver.received.filter((r) => r.id === done.event_id).map((r) => r.status)).toEqual([503, 503, 200])
    })

    it('a receiver that stays down: 18 attempts with no answer, then failed', async () => {
      for (let i = 0; i < 20; i++) {
        at(new Date(t + 12 * 3_600_000).toISOString())
        await drain.drain()
      }
      const failed = await deliveryOf('payment.recorded', ids.down)
      expect(failed).toMatchObject({ status: 'failed', attempts: 18, last_status: null, next_attempt_at: null })
      expect(failed.attempt_log).toHaveLength(18)
      expect(
        failed.attempt_log.every((a: { status_code: null; error: string }) => a.status_code === null && a.error === 'connection error: ECONNREFUSED'),
      ).toBe(true)
    })

    it('redelivery sends the same event id again (the API starts the drain); the receiver keeps one copy', async () => {
      const delivered = await deliveryOf('invoice.voided', ids.endpoint)
      const asked = await call('POST', `/v1/webhooks/deliveries/${delivered.id}/redeliver`)
      expect(asked).toMatchObject({ status: 200, body: { id: delivered.id, status: 'pending', event_id: delivered.event_id } })
      let after = delivered
      for (let i = 0; i < 200 && after.attempts === delivered.attempts; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25))
        after = await deliveryOf('invoice.voided', ids.endpoint)
      }
      expect(after).toMatchObject({ status: 'delivered', attempts: delivered.attempts + 1 })
      expect(receiver.received.filter((r) => r.id === delivered.event_id)).toHaveLength(2)
      expect([...receiver.events.values()].filter((e) => e.id === delivered.event_id)).toHaveLength(1)
    })

    it('a crash between the send and its record sends it again once the lease ends, with the same webhook-id', async () => {
      const target = await deliveryOf('invoice.drafted', ids.endpoint)
      // Through the repository: no drain is started beside the one that crashes.
      await store.deliveries.redeliver(REFERENCE_ORG, target.id)
      const crashing: WebhookStore = {
        ...store,
        deliveries: {
          ...store.deliveries,
          record: async () => {
            throw new Error('killed before the record')
          },
        },
      }
      await expect(createWebhookDrain({ webhooks: crashing, clock, logger, allowPrivate: true }).drain()).rejects.toThrow('killed before the record')
      expect(receiver.received.filter((r) => r.id === target.event_id)).toHaveLength(2)
      expect(await deliveryOf('invoice.drafted', ids.endpoint)).toMatchObject({ status: 'pending', attempts: target.attempts })
      // Leased for 60 s: not sent again before, sent again after, and recorded this time.
      expect(await drain.drain()).toEqual({ delivered: 0, retried: 0, failed: 0 })
      at(new Date(t + 60_000).toISOString())
      expect(await drain.drain()).toEqual({ delivered: 1, retried: 0, failed: 0 })
      expect(await deliveryOf('invoice.drafted', ids.endpoint)).toMatchObject({ status: 'delivered', attempts: target.attempts + 1 })
      expect(receiver.received.filter((r) => r.id === target.event_id)).toHaveLength(3)
      expect([...receiver.events.values()].filter((e) => e.id === target.event_id)).toHaveLength(1)
    })

    it('a 400 fails the delivery at once; after a secret rotation the receiver verifies with the new secret', async () => {
      const target = await deliveryOf('credit.low', ids.endpoint)
      receiver.plan([400])
      await store.deliveries.redeliver(REFERENCE_ORG, target.id)
      expect(await drain.drain()).toEqual({ delivered: 0, retried: 0, failed: 1 })
      expect(await deliveryOf('credit.low', ids.endpoint)).toMatchObject({ status: 'failed', last_status: 400, last_error: 'HTTP 400' })
      expect((await deliveries(`?endpoint=${ids.endpoint}&status=failed`)).map((d: { id: string }) => d.id)).toEqual([target.id])
      const rotated = await call('POST', `/v1/webhooks/endpoints/${ids.endpoint}/rotate-secret`)
      expect(rotated.status).toBe(200)
      expect(rotated.body.secret).not.toBe(receiver.secret)
      secrets.push(rotated.body.secret)
      receiver.secret = rotated.body.secret
      await store.deliveries.redeliver(REFERENCE_ORG, target.id)
      expect(await drain.drain()).toEqual({ delivered: 1, retried: 0, failed: 0 })
      expect(receiver.refused).toBe(0)
    })

    it('after a rotation the replaced secret signs too until the overlap window (24 h by default) ends; overlap_hours 0 ends it at once', async () => {
      const target = await deliveryOf('credit.low', ids.endpoint)
      const redeliver = async () => (await store.deliveries.redeliver(REFERENCE_ORG, target.id), drain.drain())
      const rotated = await call('POST', `/v1/webhooks/endpoints/${ids.endpoint}/rotate-secret`)
      secrets.push(rotated.body.secret)
      const until = new Date(t + 24 * 3_600_000).toISOString()
      expect(rotated.body.previous_secret_expires_at).toBe(until)
      // The receiver still verifies with the replaced secret: accepted to the window's last second…
      at(new Date(Date.parse(until) - 1000).toISOString())
      expect(await redeliver()).toEqual({ delivered: 1, retried: 0, failed: 0 })
      expect(receiver.refused).toBe(0)
      // …and refused from its end (401: failed at once); with the new secret it verifies.
      at(until)
      expect(await redeliver()).toEqual({ delivered: 0, retried: 0, failed: 1 })
      expect(receiver.refused).toBe(1)
      receiver.secret = rotated.body.secret
      expect(await redeliver()).toEqual({ delivered: 1, retried: 0, failed: 0 })
      const atOnce = await call('POST', `/v1/webhooks/endpoints/${ids.endpoint}/rotate-secret`, { overlap_hours: 0 })
      secrets.push(atOnce.body.secret)
      expect(atOnce.body.previous_secret_expires_at).toBeNull()
      expect(await redeliver()).toEqual({ delivered: 0, retried: 0, failed: 1 })
      expect(receiver.refused).toBe(2)
      receiver.secret = atOnce.body.secret
      expect(await redeliver()).toEqual({ delivered: 1, retried: 0, failed: 0 })
    })

    it('removing an endpoint fails what it had pending and refuses its redelivery; its log stays', async () => {
      const receiving = await call('POST', '/v1/webhooks/endpoints', { url: await deadUrl(), event_types: ['invoice.voided'] })
      secrets.push(receiving.body.secret)
      const globex = (await call('GET', '/v1/invoices')).body.data.find((i: { contract_id: string }) => i.contract_id === ids.invoices.globex)
      expect(globex.status).toBe('paid')
      const acme = (await call('GET', '/v1/invoices')).body.data.find((i: { contract_id: string }) => i.contract_id === ids.invoices.acme)
      expect((await call('POST', `/v1/invoices/${acme.id}/void`, { reason: 'wrong price' })).status).toBe(200)
      const pending = await deliveryOf('invoice.voided', receiving.body.id)
      expect(pending).toMatchObject({ status: 'pending', attempts: 0 })
      expect((await call('DELETE', `/v1/webhooks/endpoints/${receiving.body.id}`)).status).toBe(204)
      expect(await deliveryOf('invoice.voided', receiving.body.id)).toMatchObject({ status: 'failed', last_error: 'endpoint removed' })
      const refused = await call('POST', `/v1/webhooks/deliveries/${pending.id}/redeliver`)
      expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 409, code: 'webhook_endpoint_removed' })
      expect((await call('GET', '/v1/webhooks/endpoints')).body.data.map((e: { id: string }) => e.id)).not.toContain(receiving.body.id)
      await drain.drain()
    })

    it("a reissue's new draft (one contract's session, not a run's chunk) is queued with it", async () => {
      const voided = (await call('GET', '/v1/invoices')).body.data.find(
        (i: { contract_id: string; status: string }) => i.contract_id === ids.invoices.acme && i.status === 'void',
      )
      at('2024-04-08T12:00:00Z')
      const reissued = await call('POST', `/v1/invoices/${voided.id}/reissue`)
      expect(reissued.status).toBe(201)
      const drafted = (await deliveries(`?endpoint=${ids.endpoint}`)).filter((d: { event_type: string }) => d.event_type === 'invoice.drafted')
      expect(drafted).toHaveLength(4)
      expect(drafted[0]).toMatchObject({
        status: 'pending',
        event: { created_at: '2024-04-08T12:00:00.000Z', data: { invoice: { id: reissued.body.id, status: 'draft' } } },
      })
      expect(await drain.drain()).toEqual({ delivered: 1, retried: 0, failed: 0 })
    })

    it('bad input is a 4xx with a stable code and the field, and adds nothing', async () => {
      const before = (await call('GET', '/v1/webhooks/endpoints')).body.data.length
      const refusals = [
        [await call('POST', '/v1/webhooks/endpoints', { url: 'not a url', event_types: ['invoice.finalized'] }), 400, 'url'],
        [await call('POST', '/v1/webhooks/endpoints', { url: receiver.url, event_types: ['invoice.paid'] }), 400, 'event_types[0]'],
        [await call('POST', '/v1/webhooks/endpoints', { url: receiver.url, event_types: [] }), 400, 'event_types'],
        [await call('POST', '/v1/webhooks/endpoints', { url: receiver.url, event_types: ['invoice.voided'], secret: 'mine' }), 400, null],
      ] as const
      for (const [answer, status, field] of refusals) {
        expect(answer.status).toBe(status)
        expect(answer.body.error.code).toBe('invalid_request')
        if (field !== null) expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field)
      }
      const forbidden = [
        await call('POST', '/v1/webhooks/endpoints', { url: 'ftp://example.com/x', event_types: ['invoice.finalized'] }),
        await call('POST', '/v1/webhooks/endpoints', { url: 'https://user:pw@hooks.example.com/', event_types: ['invoice.finalized'] }),
      ]
      expect(forbidden.map((a) => [a.status, a.body.error.code, a.body.error.details[0].field])).toEqual(Array(2).fill([422, 'webhook_url_forbidden', 'url']))
      expect((await call('GET', '/v1/webhooks/endpoints')).body.data).toHaveLength(before)
      const overlaps = [200, 1.5, -1, '24']
      for (const overlap_hours of overlaps) {
        const answer = await call('POST', `/v1/webhooks/endpoints/${ids.endpoint}/rotate-secret`, { overlap_hours })
        expect([answer.status, answer.body.error.code, answer.body.error.details[0].field]).toEqual([400, 'invalid_request', 'overlap_hours'])
      }
      const missing = [
        [await call('DELETE', '/v1/webhooks/endpoints/not-a-uuid'), 404, 'webhook_endpoint_not_found'],
        [await call('POST', '/v1/webhooks/endpoints/6f1c1a4e-1111-4222-8333-944455556666/rotate-secret'), 404, 'webhook_endpoint_not_found'],
        [await call('POST', '/v1/webhooks/deliveries/6f1c1a4e-1111-4222-8333-944455556666/redeliver'), 404, 'webhook_delivery_not_found'],
        [await call('GET', '/v1/webhooks/deliveries?status=sent'), 400, 'invalid_request'],
      ] as const
      expect(missing.map(([a]) => [a.status, a.body.error.code])).toEqual(missing.map(([, s, c]) => [s, c]))
    })

    it('the secrets are in no answer but the one that handed each out, and in no log line', () => {
      expect(secrets).toHaveLength(6)
      for (const secret of secrets) {
        const bare = secret.slice('whsec_'.length)
        expect(answers.filter((a) => a.includes(bare))).toHaveLength(1)
        expect(logLines.filter((l) => l.includes(bare))).toEqual([])
      }
      expect(logLines.some((l) => l.includes('webhooks drained'))).toBe(true)
    })
  })
  describe(`webhook endpoints without TALLY_WEBHOOK_ALLOW_PRIVATE: ${name}`, () => {
    let strict: Harness
    // Opened after the suite's Tally (which allows private targets for its local receiver) closed, on the same database.
    beforeAll(async () => {
      strict = await openHarness(baseEnv, { clock: { now: () => new Date('2024-04-10T00:00:00Z') } })
    })
    afterAll(async () => {
      await strict?.close()
    })

    it('an endpoint at a literal loopback, private or link-local IP is refused when added (422, field url, saying how to allow it); a name is judged at delivery', async () => {
      const before = (await strict.json('GET', '/v1/webhooks/endpoints')).body.data
      for (const url of [
        'http://127.0.0.1:8080/hooks',
        'http://10.20.30.40/hooks',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::ffff:127.0.0.1]:8080/',
      ]) {
        const answer = await strict.json('POST', '/v1/webhooks/endpoints', { body: { url, event_types: ['invoice.finalized'] } })
        expect([answer.status, answer.body.error.code, answer.body.error.details[0].field], url).toEqual([422, 'webhook_url_forbidden', 'url'])
        expect(answer.body.error.message).toContain('TALLY_WEBHOOK_ALLOW_PRIVATE=true')
      }
      expect((await strict.json('GET', '/v1/webhooks/endpoints')).body.data).toEqual(before)
      const named = await strict.json('POST', '/v1/webhooks/endpoints', {
        body: { url: 'https://hooks.example.com/tally', event_types: ['invoice.finalized'] },
      })
      expect(named.status).toBe(201)
    })
  })
}
