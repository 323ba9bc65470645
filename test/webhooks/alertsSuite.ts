// Alerts end to end over HTTP on a whole embedded Tally (chDB events, the given Postgres): usage,
// spend and credit-balance alerts evaluated from real usage and the ledger, fired once per
// period however often they are evaluated, delivered as alert.fired webhooks to a receiver that
// verifies them; a new period fires again; bad input is refused and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebhookDrain } from '../../connectors/webhooks/webhookDrain.ts'
import { createWebhookStore } from '../../ledger/webhookStore.ts'
import { createLogger } from '../../platform/logger.ts'
import { createSecretBox } from '../../platform/secretBox.ts'
import { newSecretKey } from '../erp/drain/outboxFixture.ts'
import { monthlyContract, usdItem } from '../support/contractBody.ts'
import { createApiCallCountMetric, type Harness, openHarness, seed } from '../support/tallyHarness.ts'
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver.ts'
import { apiCallEvents } from '../support/apiCallEvents.ts'

export function describeAlertsSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`alerts over HTTP: ${name}`, () => {
    let t = Date.parse('2024-03-20T09:00:00Z')
    const clock = { now: () => new Date(t) }
    let h: Harness
    let receiver: WebhookReceiver
    let drain: () => Promise<unknown>
    const ids = { contract: '', other: '', alerts: {} as Record<string, string> }
    const evaluate = async () => (await h.json('POST', '/v1/alerts/evaluate')).body

    beforeAll(async () => {
      const key = newSecretKey()
      h = await openHarness({ ...(await env()), TALLY_SECRET_KEY: key, TALLY_WEBHOOK_ALLOW_PRIVATE: 'true' }, { clock })
      const store = createWebhookStore(h.tally.database.db, { secrets: createSecretBox(key) })
      const webhooks = createWebhookDrain({ webhooks: store, clock, logger: createLogger('silent'), allowPrivate: true, random: () => 0 })
      drain = () => webhooks.drain()
      receiver = await startWebhookReceiver(clock)
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex'] })
      await createApiCallCountMetric(h)
      const product = await h.json('POST', '/v1/products', { body: { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } } })
      const contract = (customer: string) =>
        h.json('POST', '/v1/contracts', {
          body: monthlyContract(customer, [usdItem(product.body.id, 'in_arrears', { unit_price: '1.00' })], { start_date: '2024-03-01' }),
        })
      ids.contract = (await contract('acme')).body.id
      ids.other = (await contract('globex')).body.id
      await h.json('POST', '/v1/customers/acme/credits', { body: { amount: '35.00', effective_date: '2024-03-01' } })
      const endpoint = await h.json('POST', '/v1/webhooks/endpoints', { body: { url: receiver.url, event_types: ['alert.fired'] } })
      receiver.secret = endpoint.body.secret
      expect((await h.json('POST', '/v1/events', { body: apiCallEvents('acme', '03', 30) })).status).toBe(202)
    })
    afterAll(async () => {
      await receiver?.close()
      await h?.close()
    })

    it('bad input is a 4xx with a stable code and the field, and stores nothing', async () => {
      const refusals = [
        [{ kind: 'usage', customer: 'acme', metric: 'api_call_count', threshold: '25' }, 422, 'contract_required', 'contract_id'],
        [{ kind: 'usage', customer: 'acme', contract_id: ids.contract, threshold: '25' }, 422, 'metric_required', 'metric'],
        [{ kind: 'usage', customer: 'acme', contract_id: ids.contract, metric: 'nope', threshold: '25' }, 422, 'billable_metric_not_found', 'metric'],
        [{ kind: 'spend', customer: 'acme', contract_id: ids.other, threshold: '20.00' }, 422, 'contract_not_of_customer', 'contract_id'],
        [{ kind: 'spend', customer: 'acme', contract_id: ids.contract, threshold: '0' }, 422, 'invalid_threshold', 'threshold'],
        [{ kind: 'credit_balance', customer: 'acme', currency: 'XYZ', threshold: '10.00' }, 422, 'invalid_currency', 'currency'],
        [{ kind: 'spend', customer: 'acme', contract_id: ids.contract, threshold: 20 }, 400, 'invalid_request', 'threshold'],
        [{ kind: 'spend', customer: 'nobody', contract_id: ids.contract, threshold: '20.00' }, 404, 'customer_not_found', null],
      ] as const
      for (const [body, status, code, field] of refusals) {
        const answer = await h.json('POST', '/v1/alerts', { body })
        expect([answer.status, answer.body.error.code]).toEqual([status, code])
        if (field !== null) expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field)
      }
      expect((await h.json('GET', '/v1/alerts')).body.data).toEqual([])
    })

    it('March so far: 30 calls ≥ 25, 30.00 ≥ 20.00, balance 35.00 < 50.00 fire once each; 30.00 < 100.00 does not; again: nothing', async () => {
      const add = async (key: string, body: object) => {
        const answer = await h.json('POST', '/v1/alerts', { body: { customer: 'acme', ...body } })
        expect(answer.status).toBe(201)
        ids.alerts[key] = answer.body.id
      }
      await add('usage', { kind: 'usage', contract_id: ids.contract, metric: 'api_call_count', threshold: '25', name: 'heavy use' })
      await add('spend', { kind: 'spend', contract_id: ids.contract, threshold: '20.00' })
      await add('spendHigh', { kind: 'spend', contract_id: ids.contract, threshold: '100.00' })
      await add('credit', { kind: 'credit_balance', threshold: '50.00' })
      expect(await evaluate()).toEqual({ evaluated: 4, fired: 3 })
      t = Date.parse('2024-03-21T09:00:00Z')
      expect(await evaluate()).toEqual({ evaluated: 4, fired: 0 })
      const listed = (await h.json('GET', '/v1/alerts')).body.data as { id: string; firings: { period: string; value: string; fired_at: string }[] }[]
      const firingsOf = (key: string) => listed.find((a) => a.id === ids.alerts[key])!.firings
      expect(firingsOf('usage')).toEqual([{ period: '2024-04-01', value: '30', fired_at: '2024-03-20T09:00:00.000Z' }])
      expect(firingsOf('spend')).toEqual([{ period: '2024-04-01', value: '30.00', fired_at: '2024-03-20T09:00:00.000Z' }])
      expect(firingsOf('spendHigh')).toEqual([])
      expect(firingsOf('credit')).toEqual([{ period: '2024-03', value: '35.00', fired_at: '2024-03-20T09:00:00.000Z' }])

      await drain()
      const fired = [...receiver.events.values()].filter((e) => e.type === 'alert.fired')
      expect(fired).toHaveLength(3)
      expect(fired.find((e) => e.data.alert.id === ids.alerts.usage)).toMatchObject({
        created_at: '2024-03-20T09:00:00.000Z',
        data: {
          alert: { kind: 'usage', name: 'heavy use', customer_id: 'acme', contract_id: ids.contract, metric: 'api_call_count', threshold: '25' },
          period: '2024-04-01',
          value: '30',
        },
      })
      expect(fired.find((e) => e.data.alert.id === ids.alerts.spend)!.data).toMatchObject({ value: '30.00', currency: 'USD' })
    })

    it('April is a new period: 40 calls fire usage and spend again (invoice of 2024-05-01), the balance for 2024-04; a removed alert is not evaluated', async () => {
      expect((await h.json('POST', '/v1/events', { body: apiCallEvents('acme', '04', 40) })).status).toBe(202)
      await h.tally.settled()
      t = Date.parse('2024-04-20T09:00:00Z')
      expect((await h.request('DELETE', `/v1/alerts/${ids.alerts.spendHigh}`)).status).toBe(204)
      expect(await evaluate()).toEqual({ evaluated: 3, fired: 3 })
      const listed = (await h.json('GET', '/v1/alerts')).body.data as { id: string; firings: { period: string; value: string }[] }[]
      expect(listed.map((a) => a.id)).not.toContain(ids.alerts.spendHigh)
      expect(listed.find((a) => a.id === ids.alerts.usage)!.firings.map((f) => [f.period, f.value])).toEqual([
        ['2024-05-01', '40'],
        ['2024-04-01', '30'],
      ])
      expect(listed.find((a) => a.id === ids.alerts.credit)!.firings.map((f) => f.period)).toEqual(['2024-04', '2024-03'])
      const missing = await h.json('DELETE', `/v1/alerts/${ids.alerts.spendHigh}`)
      expect([missing.status, missing.body.error.code]).toEqual([404, 'alert_not_found'])
    })
  })
}
