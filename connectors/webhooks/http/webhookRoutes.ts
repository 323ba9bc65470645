// The webhook endpoints: add (the signing secret answered once), list, remove, rotate the secret;
// the delivery log with every attempt, and redelivery. Each route is declared once (apiRoute):
// its schemas validate, document and shape errors.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Clock } from '../../../platform/clock.ts'
import { apiApp } from '../../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../../platform/http/appEnv.ts'
import { requestOrg } from '../../../platform/http/requestOrg.ts'
import type { WebhookStore } from '../../../ledger/webhookStore.ts'
import type { WebhookDrain } from '../webhookDrain.ts'
import { assertEndpointUrl } from '../webhookDestination.ts'
import { attemptToJson, deliveryToJson, endpointToJson } from './webhookJson.ts'
import {
  createEndpointRequest,
  DEFAULT_OVERLAP_HOURS,
  rotateSecretRequest,
  deliveriesQuery,
  deliveryJson,
  deliveryListJson,
  deliveryParams,
  endpointCreatedJson,
  endpointListJson,
  endpointParams,
} from './webhookSchemas.ts'

export interface WebhookRouteDeps {
  webhooks: WebhookStore
  /** Started after a redelivery so it leaves now rather than at the next tick. */
  drain: WebhookDrain
  clock: Clock
  /** TALLY_WEBHOOK_ALLOW_PRIVATE: an endpoint at a literal loopback, private or link-local IP may be added. */
  allowPrivate: boolean
}

const TAG = 'Webhooks'
const notFound = { description: '`webhook_endpoint_not_found`' }
const noKey = { description: '`secret_key_missing`: TALLY_SECRET_KEY is not set, nothing is stored' }

export function webhookRoutes(deps: WebhookRouteDeps): OpenAPIHono<AppEnv> {
  const { webhooks } = deps
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/webhooks/endpoints',
      tags: [TAG],
      summary:
        'Add a webhook endpoint. The answer holds its signing secret, shown this once (stored encrypted); deliveries are signed with it (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).',
      request: {
        body: jsonContent(createEndpointRequest, { url: 'https://billing.example.com/tally', event_types: ['invoice.finalized', 'payment.recorded'] }),
      },
      responses: {
        201: jsonAnswer('The endpoint and its secret', endpointCreatedJson),
        400: { description: '`invalid_json`, `invalid_request` (not a URL, an unknown event type, no event type)' },
        422: {
          description:
            '`webhook_url_forbidden`: the URL is not http(s), carries a user name or password, or its host is a literal loopback, private or link-local IP (allowed when the operator sets TALLY_WEBHOOK_ALLOW_PRIVATE=true)',
        },
        503: noKey,
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      assertEndpointUrl(b.url, { allowPrivate: deps.allowPrivate })
      const created = await webhooks.endpoints.create({
        orgId: requestOrg(c),
        url: b.url,
        eventTypes: [...new Set(b.event_types)],
        description: b.description ?? null,
        now: deps.clock.now(),
      })
      return c.json({ ...endpointToJson(created.endpoint), secret: created.secret }, 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/webhooks/endpoints',
      tags: [TAG],
      summary: "The organisation's webhook endpoints (never their secrets).",
      responses: { 200: jsonAnswer('The endpoints', endpointListJson) },
    }),
    async (c) => c.json({ data: (await webhooks.endpoints.list(requestOrg(c))).map(endpointToJson) }, 200),
  )

  app.openapi(
    apiRoute({
      method: 'delete',
      path: '/v1/webhooks/endpoints/{id}',
      tags: [TAG],
      summary: 'Remove the endpoint: nothing more is sent to it, its pending deliveries are failed, its delivery log stays.',
      request: { params: endpointParams },
      responses: { 204: { description: 'Removed' }, 404: notFound },
    }),
    async (c) => {
      await webhooks.endpoints.remove(requestOrg(c), c.req.valid('param').id, deps.clock.now())
      return c.body(null, 204)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/webhooks/endpoints/{id}/rotate-secret',
      tags: [TAG],
      summary:
        'Replace the signing secret; the answer holds the new one, shown this once. For the overlap window (default 24 h) deliveries carry two signatures, with the new secret and the replaced one, so receivers still verifying with the old secret accept them; after it, the new secret only.',
      request: { params: endpointParams, body: jsonContent(rotateSecretRequest, { overlap_hours: 24 }) },
      responses: {
        200: jsonAnswer('The endpoint and its new secret', endpointCreatedJson),
        400: { description: '`invalid_request` (overlap_hours not a whole number from 0 to 168)' },
        404: notFound,
        503: noKey,
      },
    }),
    async (c) => {
      const overlapHours = c.req.valid('json').overlap_hours ?? DEFAULT_OVERLAP_HOURS
      const window = { now: deps.clock.now(), overlapMs: overlapHours * 3_600_000 }
      const rotated = await webhooks.endpoints.rotateSecret(requestOrg(c), c.req.valid('param').id, window)
      return c.json({ ...endpointToJson(rotated.endpoint), secret: rotated.secret }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/webhooks/deliveries',
      tags: [TAG],
      summary: 'Deliveries, most recent first, each with its event and every attempt (status, duration, the start of the answer).',
      request: { query: deliveriesQuery },
      responses: { 200: jsonAnswer('The deliveries', deliveryListJson), 400: { description: '`invalid_request` (an unknown status)' } },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const list = await webhooks.deliveries.list(requestOrg(c), {
        ...(q.endpoint === undefined ? {} : { endpointId: q.endpoint }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.limit === undefined ? {} : { limit: q.limit }),
      })
      return c.json({ data: list.map((d) => ({ ...deliveryToJson(d), attempt_log: d.attemptLog.map(attemptToJson) })) }, 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/webhooks/deliveries/{id}/redeliver',
      tags: [TAG],
      summary: 'Send the delivery again now (failed or delivered alike), with the same event id; its attempts so far stay in the log.',
      request: { params: deliveryParams },
      responses: {
        200: jsonAnswer('The delivery, pending', deliveryJson),
        404: { description: '`webhook_delivery_not_found`' },
        409: { description: '`webhook_endpoint_removed`' },
      },
    }),
    async (c) => {
      const delivery = await webhooks.deliveries.redeliver(requestOrg(c), c.req.valid('param').id)
      deps.drain.kick()
      return c.json(deliveryToJson(delivery), 200)
    },
  )

  return app
}
