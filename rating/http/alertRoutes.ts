// The alert endpoints: add (what it watches checked when stored), list with recent firings,
// remove, and evaluate now (the scheduled job's pass, where ClickHouse is reachable). Each route
// is declared once (apiRoute): its schemas validate, document and shape errors.
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Alert, AlertRepository } from '../../ledger/alertStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import type { Logger } from '../../platform/logger.ts'
import { evaluateAlerts } from '../execute/alertEvaluation.ts'
import type { PreviewDeps } from '../execute/previewInvoice.ts'
import { alertJson, alertListJson, alertParams, createAlertRequest, evaluationJson } from './alertSchemas.ts'

export interface AlertRouteDeps {
  alerts: AlertRepository
  clock: Clock
  logger: Logger
  /** Absent: this process does not reach ClickHouse, so `POST /v1/alerts/evaluate` is not served. */
  preview?: PreviewDeps
}

const TAG = 'Alerts'

function alertToJson(a: Alert) {
  return {
    id: a.id,
    kind: a.kind,
    name: a.name,
    customer: a.customer,
    contract_id: a.contractId,
    metric: a.metric,
    currency: a.currency,
    threshold: a.threshold,
    created_at: a.createdAt,
    firings: a.firings.map((f) => ({ period: f.period, value: f.value, fired_at: f.firedAt })),
  }
}

export function alertRoutes(deps: AlertRouteDeps): OpenAPIHono<AppEnv> {
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/alerts',
      tags: [TAG],
      summary: 'Add an alert, fired as an `alert.fired` webhook once per period in which its threshold is crossed.',
      request: { body: jsonContent(createAlertRequest, { kind: 'spend', customer: 'acme', contract_id: 'c8ebb1d6-…', threshold: '500.00' }) },
      responses: {
        201: jsonAnswer('The alert', alertJson),
        400: { description: '`invalid_json`, `invalid_request`' },
        404: { description: '`customer_not_found`, `contract_not_found`' },
        422: {
          description:
            '`contract_required`, `contract_not_of_customer`, `metric_required`, `billable_metric_not_found`, `invalid_currency`, `invalid_threshold`',
        },
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      const alert = await deps.alerts.create({
        orgId: requestOrg(c),
        kind: b.kind,
        name: b.name ?? null,
        customer: b.customer,
        contractId: b.contract_id ?? null,
        metric: b.metric ?? null,
        currency: b.currency ?? null,
        threshold: b.threshold,
        now: deps.clock.now(),
      })
      return c.json(alertToJson(alert), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/alerts',
      tags: [TAG],
      summary: "The organisation's alerts, each with its last firings.",
      responses: { 200: jsonAnswer('The alerts', alertListJson) },
    }),
    async (c) => c.json({ data: (await deps.alerts.list(requestOrg(c))).map(alertToJson) }, 200),
  )

  app.openapi(
    apiRoute({
      method: 'delete',
      path: '/v1/alerts/{id}',
      tags: [TAG],
      summary: 'Remove the alert: it is evaluated no more; its firings stay.',
      request: { params: alertParams },
      responses: { 204: { description: 'Removed' }, 404: { description: '`alert_not_found`' } },
    }),
    async (c) => {
      await deps.alerts.remove(requestOrg(c), c.req.valid('param').id, deps.clock.now())
      return c.body(null, 204)
    },
  )

  const preview = deps.preview
  if (preview !== undefined) {
    app.openapi(
      apiRoute({
        method: 'post',
        path: '/v1/alerts/evaluate',
        tags: [TAG],
        summary: "Evaluate the organisation's alerts now, as the scheduled job does every five minutes; answers how many fired.",
        responses: { 200: jsonAnswer('What the pass did', evaluationJson) },
      }),
      async (c) => c.json(await evaluateAlerts({ alerts: deps.alerts, preview, clock: deps.clock, logger: deps.logger, orgId: requestOrg(c) }), 200),
    )
  }

  return app
}
