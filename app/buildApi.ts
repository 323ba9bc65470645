// The HTTP API of a process that serves requests (createTally, createGateway): ingest behind
// the given sink, the ledger, and the metering reads when this process reaches ClickHouse.
import type { Hono } from 'hono'
import type { Ledger } from '../ledger/ledger.ts'
import { invoiceRoutes } from '../ledger/http/invoiceRoutes.ts'
import { ledgerRoutes } from '../ledger/http/ledgerRoutes.ts'
import { billingEntityRoutes } from '../ledger/http/billingEntityRoutes.ts'
import { taxRateRoutes } from '../ledger/http/taxRateRoutes.ts'
import { currencyRoutes } from '../ledger/http/currencyRoutes.ts'
import { creditRoutes } from '../ledger/http/creditRoutes.ts'
import { accountingRoutes } from '../ledger/http/accountingRoutes.ts'
import { reportRoutes } from '../ledger/http/reportRoutes.ts'
import { exportRoutes } from '../ledger/http/exportRoutes.ts'
import { createErpStore } from '../ledger/erpStore.ts'
import { ERP_ADAPTERS } from '../connectors/erp/adapters.ts'
import { createErpSync } from '../connectors/erp/drain/erpSync.ts'
import { erpRoutes } from '../connectors/erp/http/erpRoutes.ts'
import { createWebhookStore } from '../ledger/webhookStore.ts'
import { createWebhookDrain } from '../connectors/webhooks/webhookDrain.ts'
import { webhookRoutes } from '../connectors/webhooks/http/webhookRoutes.ts'
import { createAlertStore } from '../ledger/alertStore.ts'
import { alertRoutes } from '../rating/http/alertRoutes.ts'
import { erpExportRoutes } from '../connectors/erp/http/erpExportRoutes.ts'
import { sourceRoutes } from '../connectors/sources/http/sourceRoutes.ts'
import { openStoredSource } from '../connectors/sources/sourceKinds.ts'
import { createSourceServices, sourceEnv } from './sourceServices.ts'
import { createSecretBox } from '../platform/secretBox.ts'
import { closePeriod } from '../ledger/accounting/closePeriod.ts'
import { authenticate, cachedKeyResolver, principalResolver } from '../ingest/http/auth.ts'
import { ingestFastPath } from '../ingest/http/fastIngest.ts'
import { cachedCatalog } from '../ingest/catalog.ts'
import { ingestRoutes, type IngestDeps } from '../ingest/http/ingestRoutes.ts'
import type { EventSink } from '../ingest/sink/eventSink.ts'
import { deadLettersRoutes } from '../metering/http/deadLettersRoutes.ts'
import { meteringRoutes } from '../metering/http/meteringRoutes.ts'
import { metricRoutes } from '../sql/http/metricRoutes.ts'
import type { Clock } from '../platform/clock.ts'
import type { Config } from '../platform/config/schema.ts'
import type { AppEnv } from '../platform/http/appEnv.ts'
import { createApp, type ReadinessCheck } from '../platform/http/createApp.ts'
import { withNodeFastPath, type NodeFastPath } from '../platform/http/nodeFastPath.ts'
import type { Logger } from '../platform/logger.ts'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { pricingRoutes } from '../rating/http/pricingRoutes.ts'
import type { Telemetry } from '../platform/telemetry/telemetry.ts'
import { catalogRoutes } from '../rating/http/catalogRoutes.ts'
import { ratingRoutes } from '../rating/http/ratingRoutes.ts'
import { usageAccrualSource } from '../rating/execute/usageAccrual.ts'
import { ledgerCatalog } from './ledgerCatalog.ts'
import type { MeteringServices } from './services.ts'
import { ingestEventCounter } from './telemetryEndpoint.ts'
import { TALLY_VERSION } from './version.ts'
import { createConsole } from '../console/consoleApp.tsx'
import { createSessionStore } from '../console/session.ts'
import { createConsoleSessionRows } from '../ledger/consoleSessions.ts'
import { createSignInFailureRows } from '../ledger/consoleSignInFailures.ts'
import { createSignInLimiter } from '../console/signInLimiter.ts'

export interface ApiParts {
  config: Config
  logger: Logger
  ledger: Ledger
  database: DatabaseHandle
  adminToken: string
  /** The process's "now" (platform/clock.ts): invoice lifecycle dates and runs without `as_of`. */
  clock: Clock
  sink: EventSink
  /**
   * Built once by the composition root. Absent: this process does not reach ClickHouse, so the
   * metering reads, billable metrics and on-demand rating are not served.
   */
  metering?: MeteringServices
  readiness?: ReadinessCheck[]
  /** When given, ingest outcomes are counted in it (served at /metrics by withTelemetry). */
  telemetry?: Telemetry
}

/**
 * The API as a Hono app, with the hot ingest routes' node:http fast path attached (app/serve.ts
 * serves it first; `app.request` and `fetch` go through Hono as always).
 */
export function buildApi(parts: ApiParts): Hono<AppEnv> & { nodeFastPath: NodeFastPath } {
  const { config, logger, ledger, metering } = parts
  const keys = cachedKeyResolver(ledger.apiKeys, config.authCacheMs)
  const catalog = cachedCatalog(ledgerCatalog(ledger), { ttlMs: config.authCacheMs })
  const erp = createErpStore(parts.database.db, { secrets: createSecretBox(config.secretKey) })
  const webhooks = createWebhookStore(parts.database.db, { secrets: createSecretBox(config.secretKey) })
  const sources = createSourceServices({ config, database: parts.database, catalog, sink: parts.sink, clock: parts.clock, logger })
  // Revocations and new raw metrics made through this process take effect at once.
  const ledgerForRoutes: Ledger = {
    ...ledger,
    apiKeys: {
      ...ledger.apiKeys,
      revoke: async (...args) => {
        const r = await ledger.apiKeys.revoke(...args)
        keys.forget()
        return r
      },
    },
    rawMetrics: {
      ...ledger.rawMetrics,
      create: async (input) => {
        const created = await ledger.rawMetrics.create(input)
        catalog.forgetRawMetric(input.orgId, input.name)
        return created
      },
    },
  }
  const ingestDeps: IngestDeps = {
    sink: parts.sink,
    catalog,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    maxBatchEvents: config.maxBatchEvents,
    acceptUnknownCustomers: config.acceptUnknownCustomers,
    clock: parts.clock,
    ...(parts.telemetry ? { onResult: ingestEventCounter(parts.telemetry) } : {}),
  }
  const ingest = ingestRoutes(ingestDeps)
  const auth = { keys, adminToken: parts.adminToken }
  const accrueUsage = metering === undefined ? undefined : usageAccrualSource({ ledger, quantities: metering.quantities })
  // Catalogue and contracts (rating's prices), invoices (the ledger's lifecycle), explain, and
  // reissues and on-demand runs only where ClickHouse is reachable.
  const billing = [
    currencyRoutes(ledger, parts.clock),
    billingEntityRoutes(ledger, parts.clock),
    taxRateRoutes({ ledger, clock: parts.clock }),
    catalogRoutes(ledger, parts.clock),
    invoiceRoutes({ ledger, clock: parts.clock }),
    creditRoutes({ ledger, clock: parts.clock }),
    // A close accrues usage recognised as consumed: rating answers what was consumed, the ledger
    // posts it (ledger/accounting/usageAccruals.ts); without ClickHouse such a close is 503.
    accountingRoutes({
      ledger,
      clock: parts.clock,
      closePeriod: (input) => closePeriod({ db: parts.database.db, ...(accrueUsage === undefined ? {} : { accrueUsage }) }, input),
    }),
    reportRoutes({ ledger, clock: parts.clock }),
    exportRoutes({ ledger }),
    erpExportRoutes({ erp }),
    erpRoutes({ erp, adapters: ERP_ADAPTERS, sync: createErpSync({ erp, adapters: ERP_ADAPTERS, clock: parts.clock, logger }), clock: parts.clock }),
    webhookRoutes({
      webhooks,
      drain: createWebhookDrain({ webhooks, clock: parts.clock, logger, allowPrivate: config.webhookAllowPrivate }),
      clock: parts.clock,
      allowPrivate: config.webhookAllowPrivate,
    }),
    sourceRoutes({
      ...sources,
      catalog,
      env: sourceEnv(config),
      clock: parts.clock,
      openDriver: (connection) => openStoredSource(sources.store, connection, sourceEnv(config)),
    }),
    ratingRoutes({
      ledger,
      clock: parts.clock,
      ...(metering === undefined ? {} : { rating: { graceHours: config.ratingGraceHours, quantities: metering.quantities } }),
    }),
    alertRoutes({
      alerts: createAlertStore(parts.database.db),
      clock: parts.clock,
      logger,
      ...(metering === undefined ? {} : { preview: { ledger, quantities: metering.quantities } }),
    }),
  ]
  // The web console works over this same API, in-process, with each session's key.
  // Sessions in the ledger (console_sessions): a restart or another replica keeps users signed in.
  const consoleNow = () => parts.clock.now()
  const consolePages = createConsole({
    api: (request) => api.fetch(request),
    logger,
    now: consoleNow,
    sessions: createSessionStore({ rows: createConsoleSessionRows(parts.database.db), now: () => consoleNow().getTime() }),
    // Failed sign-ins too (console_sign_in_failures): every gateway on the database shares one budget.
    signInLimiter: createSignInLimiter({ rows: createSignInFailureRows(parts.database.db), now: () => consoleNow().getTime() }),
  })
  const api = createApp({
    logger,
    pages: [{ path: '/console', app: consolePages }],
    authenticate: authenticate(auth),
    routes:
      metering === undefined
        ? [ingest, ledgerRoutes(ledgerForRoutes, parts.clock), ...billing, pricingRoutes(ledger)]
        : [
            ingest,
            meteringRoutes(metering.clickhouse, (orgId, ids) => catalog.existingCustomers(orgId, ids)),
            deadLettersRoutes(metering.clickhouse),
            ledgerRoutes(ledgerForRoutes, parts.clock),
            ...billing,
            metricRoutes(metering.metricService, parts.clock),
            pricingRoutes(ledger),
          ],
    readiness: [
      ...(metering === undefined ? [] : [{ name: 'clickhouse', check: () => metering.clickhouse.ping() }]),
      { name: 'postgres', check: () => parts.database.ping() },
      ...(parts.readiness ?? []),
    ],
    version: TALLY_VERSION,
  })
  return withNodeFastPath(api, ingestFastPath({ deps: ingestDeps, principalOf: principalResolver(auth), logger }))
}
