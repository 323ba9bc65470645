// The billable-metric use cases behind the API and the rating job: validate, create, edit
// (a new version), preview, and quantities of a stored version.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { TallyError, UnprocessableError, ValidationError } from '../platform/errors.ts'
import { resolveMetricVersion, type MetricVersionInput, type ResolvedMetricVersion } from './metricDefinition.ts'
import { metricQuantities, type MetricQuantities } from './metricQuantities.ts'
import { storedBuilder, type MetricStore, type RawMetricCheck, type StoredVersion } from './metricStore.ts'
import type { Period } from './parameters.ts'
import { formatTemplate, type FormatOptions } from './formatTemplate.ts'
import { PREVIEW_LIMITS } from './previewLimits.ts'
import { customersWithEvents } from './previewCustomers.ts'
import { DEFAULT_LIMITS, type SandboxLimits } from './sandbox.ts'
import type { TemplateIssue } from './templateScan.ts'
import { validateMetricVersion } from './validateTemplate.ts'
import type { RemoteMetricRunner } from './remoteMetrics.ts'

export interface MetricServiceDeps {
  handle: ClickHouseHandle
  store: MetricStore
  checkRawMetric: RawMetricCheck
  /** Rating runs. */
  limits?: SandboxLimits
  /** Validation, previews and formatting: what a person waits on (sql/previewLimits.ts). */
  previewLimits?: SandboxLimits
  /** Remote-mode metrics (connectors/sources/remote/); without it they are refused at validation. */
  remote?: RemoteMetricRunner
}

export interface ValidationReport {
  valid: boolean
  issues: TemplateIssue[]
  resolved: ResolvedMetricVersion
  columns: Array<{ name: string; type: string }>
}

/** Preview of one customer, or of every customer with events in the period (at most `maxCustomers`). */
export interface PreviewRequest {
  customerId?: string
  period: Period
  parameters?: Record<string, string>
  maxCustomers?: number
}

export interface PreviewResult extends MetricQuantities {
  /** True when more customers had events than `maxCustomers`. */
  truncated: boolean
}

export const DEFAULT_PREVIEW_CUSTOMERS = 1000

export function toResolved(v: StoredVersion): ResolvedMetricVersion {
  return {
    unit: v.unit,
    description: v.description,
    mode: v.mode,
    builder: storedBuilder(v),
    rawMetrics: v.rawMetrics,
    aggregateQuery: v.aggregateQuery,
    customerQuery: v.customerQuery,
    dimensions: v.dimensions,
    parameters: v.parameters,
    sourceId: v.sourceId ?? null,
    groupedQuery: v.groupedQuery ?? null,
  }
}

function toFields(r: ResolvedMetricVersion) {
  return { ...r, builder: r.builder as Record<string, unknown> | null }
}

export function checkPeriod(period: Period): void {
  if (!(period.end.getTime() > period.start.getTime())) {
    throw new ValidationError('invalid_period', 'period_end must be after period_start', [
      { field: 'period_end', code: 'invalid_period', message: 'must be after period_start' },
    ])
  }
}

export function createMetricService(deps: MetricServiceDeps) {
  const limits = deps.limits ?? DEFAULT_LIMITS
  const previewLimits = deps.previewLimits ?? PREVIEW_LIMITS
  // Every statement built from a template queues as its organisation's template work: behind
  // ingest, taking turns with other organisations (platform/clickhouse/serialChdbConnection.ts).
  const asTemplateWork = <T>(orgId: string, fn: () => Promise<T>) => deps.handle.templateWork(orgId, fn)

  function remoteRunner(): RemoteMetricRunner {
    if (deps.remote === undefined) throw new UnprocessableError('remote_metrics_unavailable', 'this process cannot run remote-query metrics')
    return deps.remote
  }

  function validate(orgId: string, input: MetricVersionInput): Promise<ValidationReport> {
    return asTemplateWork(orgId, () => validateUnqueued(orgId, input))
  }

  async function validateUnqueued(orgId: string, input: MetricVersionInput): Promise<ValidationReport> {
    const resolved = resolveMetricVersion(input)
    if (resolved.mode === 'remote') {
      if (deps.remote === undefined) {
        return {
          valid: false,
          resolved,
          columns: [],
          issues: [{ query: 'customer_query', code: 'remote_metrics_unavailable', message: 'this process cannot run remote-query metrics' }],
        }
      }
      const outcome = await deps.remote.validate(orgId, resolved)
      return { valid: outcome.issues.length === 0, issues: outcome.issues, resolved, columns: outcome.columns }
    }
    const issues: TemplateIssue[] = []
    for (const name of resolved.rawMetrics) {
      try {
        await deps.checkRawMetric(orgId, name)
      } catch (err) {
        if (!(err instanceof TallyError) || err.category !== 'not_found') throw err
        issues.push({
          query: 'customer_query',
          code: 'raw_metric_not_found',
          message: `raw metric ${name} does not exist; create it first (POST /v1/raw-metrics)`,
        })
      }
    }
    if (issues.length > 0) return { valid: false, issues, resolved, columns: [] }
    const outcome = await validateMetricVersion({ handle: deps.handle, orgId, version: resolved, limits: previewLimits })
    return { valid: outcome.valid, issues: outcome.issues, resolved, columns: outcome.columns }
  }

  async function validOrThrow(orgId: string, input: MetricVersionInput): Promise<ResolvedMetricVersion> {
    const report = await validate(orgId, input)
    if (report.valid) return report.resolved
    const first = report.issues[0]!
    const where = first.line === undefined ? '' : ` (line ${first.line}, column ${first.column})`
    throw new UnprocessableError(
      'invalid_template',
      `The metric is invalid: ${first.query}: ${first.message}${where}`,
      report.issues.map((i) => ({
        field: i.query,
        code: i.code,
        message: i.line === undefined ? i.message : `line ${i.line}, column ${i.column}: ${i.message}`,
      })),
      { issues: report.issues },
    )
  }

  function run(orgId: string, version: ResolvedMetricVersion, req: PreviewRequest): Promise<PreviewResult> {
    checkPeriod(req.period)
    return asTemplateWork(orgId, () => preview(orgId, version, req))
  }

  async function preview(orgId: string, version: ResolvedMetricVersion, req: PreviewRequest): Promise<PreviewResult> {
    if (version.mode === 'remote') {
      if (req.customerId === undefined) {
        throw new ValidationError('customer_id_required', 'a remote metric previews one customer: give customer_id', [
          { field: 'customer_id', code: 'customer_id_required', message: 'required for a remote metric' },
        ])
      }
      return { ...(await remoteRunner().quantities(orgId, version, [req.customerId], req.period)), truncated: false }
    }
    let customerIds: string[]
    let truncated = false
    if (req.customerId !== undefined) customerIds = [req.customerId]
    else {
      const found = await customersWithEvents({ handle: deps.handle, orgId, version, period: req.period, limit: req.maxCustomers ?? DEFAULT_PREVIEW_CUSTOMERS })
      customerIds = found.customerIds
      truncated = found.truncated
    }
    const result = await metricQuantities({
      handle: deps.handle,
      orgId,
      version,
      customerIds,
      period: req.period,
      parameterOverrides: req.parameters,
      limits: previewLimits,
    })
    return { ...result, truncated }
  }

  return {
    /** Reads go straight to the store. */
    store: deps.store,
    validate,
    /** ClickHouse's own formatting of a template (sql/formatTemplate.ts). */
    format(orgId: string, text: string, opts: FormatOptions = {}): Promise<string> {
      return asTemplateWork(orgId, () => formatTemplate(deps.handle, text, opts))
    },
    /** `now`: the caller's clock (the version's `created_at`). */
    async create(orgId: string, name: string, input: MetricVersionInput, now: Date): Promise<StoredVersion> {
      const resolved = await validOrThrow(orgId, input)
      return deps.store.create({ orgId, name, fields: toFields(resolved), now })
    },
    async addVersion(orgId: string, name: string, input: MetricVersionInput, now: Date): Promise<StoredVersion> {
      await deps.store.get(orgId, name) // 404 before the (costlier) validation
      const resolved = await validOrThrow(orgId, input)
      return deps.store.addVersion({ orgId, name, fields: toFields(resolved), now })
    },
    /** Preview of a definition that is not stored (the editor's "run"). */
    async previewDraft(orgId: string, input: MetricVersionInput, req: PreviewRequest): Promise<PreviewResult> {
      return run(orgId, await validOrThrow(orgId, input), req)
    },
    async previewStored(orgId: string, name: string, version: number | undefined, req: PreviewRequest): Promise<PreviewResult & { version: number }> {
      const stored = await deps.store.get(orgId, name, version)
      return { ...(await run(orgId, toResolved(stored), req)), version: stored.version }
    },
    /**
     * The rating job's call: quantities of one stored version for the given customers and
     * period, one aggregate run for all of them. Customers without usage get quantity "0".
     */
    async quantities(opts: {
      orgId: string
      name: string
      version: number
      customerIds: readonly string[]
      period: Period
    }): Promise<MetricQuantities & { version: number }> {
      checkPeriod(opts.period)
      const stored = await deps.store.get(opts.orgId, opts.name, opts.version)
      if (stored.mode === 'remote')
        return { ...(await remoteRunner().quantities(opts.orgId, toResolved(stored), opts.customerIds, opts.period)), version: stored.version }
      const result = await asTemplateWork(opts.orgId, () =>
        metricQuantities({ handle: deps.handle, orgId: opts.orgId, version: toResolved(stored), customerIds: opts.customerIds, period: opts.period, limits }),
      )
      return { ...result, version: stored.version }
    },
  }
}

export type MetricService = ReturnType<typeof createMetricService>
