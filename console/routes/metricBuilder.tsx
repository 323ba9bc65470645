// The visual builder's page: GET an empty form, POST either shows the generated SQL
// (POST /v1/billable-metrics/validate) and a period's quantities (…/preview, nothing stored) or
// creates the metric (POST /v1/billable-metrics, builder mode) and opens it.
import { builderDefinition, builderFormOf, FILTER_ROWS, type BuilderForm } from '../metricBuilderForm.ts'
import { MetricBuilderPage, type MetricPreview } from '../pages/metricBuilder.tsx'
import { page, problem, refusalStatus, seg, signedInProps, str, type ConsoleContext, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

export function registerMetricBuilderRoutes(app: ConsoleRouter, kit: RouteKit): void {
  const rawMetricNames = async (c: ConsoleContext): Promise<string[]> => {
    const raw = await kit.call<{ data: { name: string }[] }>(c, 'GET', '/v1/raw-metrics')
    return raw.ok ? raw.body.data.map((r) => r.name) : []
  }

  app.get('/metrics/builder', async (c) => {
    // The default preview period: the month before the server's "now".
    const now = kit.now()
    const month = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10)
    const form: BuilderForm = {
      ...builderFormOf({}),
      filters: Array.from({ length: FILTER_ROWS }, () => ({ field: '', op: 'eq', value: '' })),
      period_start: month(-1),
      period_end: month(0),
    }
    return page(c, <MetricBuilderPage {...signedInProps(c)} form={form} rawMetrics={await rawMetricNames(c)} />)
  })

  app.post('/metrics/builder', async (c) => {
    const raw = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, str(v)]))
    const form = builderFormOf(raw)
    const definition = builderDefinition(form)
    const props = { ...signedInProps(c), form, rawMetrics: await rawMetricNames(c) }
    if (raw.intent === 'create') {
      const created = await kit.call<{ name: string }>(c, 'POST', '/v1/billable-metrics', { name: form.name, ...definition })
      if (created.ok) return c.redirect(`/console/metrics/${seg(created.body.name)}`, 303)
      return page(c, <MetricBuilderPage {...props} error={problem(created.error)} />, refusalStatus(created.status))
    }
    const validated = await kit.call<{ valid: boolean; issues: { message: string; code: string }[]; generated: { customer_query: string } }>(
      c,
      'POST',
      '/v1/billable-metrics/validate',
      definition,
    )
    if (!validated.ok) return page(c, <MetricBuilderPage {...props} error={problem(validated.error)} />, refusalStatus(validated.status))
    if (!validated.body.valid)
      return page(
        c,
        <MetricBuilderPage {...props} error={{ message: 'The builder’s SQL was refused:', code: 'invalid_template', issues: validated.body.issues }} />,
        422,
      )
    const preview = await kit.call<MetricPreview>(c, 'POST', '/v1/billable-metrics/preview', {
      definition,
      period_start: form.period_start,
      period_end: form.period_end,
    })
    return page(
      c,
      <MetricBuilderPage
        {...props}
        sql={validated.body.generated.customer_query}
        {...(preview.ok ? { preview: preview.body } : { error: problem(preview.error) })}
      />,
      preview.ok ? 200 : refusalStatus(preview.status),
    )
  })
}
