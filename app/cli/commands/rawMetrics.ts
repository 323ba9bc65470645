import type { Command } from '../command.ts'
import { required, requiredArgument, UsageError } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface RawMetricView {
  name: string
  description: string | null
  field_schema: Record<string, string> | null
  created_at: string
}

export const rawMetricsCreateCommand: Command = {
  path: ['raw-metrics', 'create'],
  summary: 'Add a raw metric: the name producers send events to (POST /usage/NAME)',
  usage: '--org ORG_ID NAME [--description TEXT] [--field NAME=number|string|boolean ...]',
  example: 'tally raw-metrics create --org $ORG api_calls --field region=string --field bytes=number',
  options: { org: { type: 'string' }, description: { type: 'string' }, field: { type: 'string', multiple: true } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const name = requiredArgument(ctx, 'give the raw metric name, e.g. `tally raw-metrics create api_calls --org ...`')
    const fields = (ctx.values.field as unknown as string[] | undefined) ?? []
    const fieldSchema = Object.fromEntries(
      fields.map((f) => {
        const [field, type] = f.split('=')
        if (!field || !type) throw new UsageError(`--field ${f}: write NAME=number, NAME=string or NAME=boolean`)
        return [field, type]
      }),
    )
    const body = {
      name,
      ...(ctx.values.description ? { description: ctx.values.description } : {}),
      ...(fields.length > 0 ? { field_schema: fieldSchema } : {}),
    }
    const m = await withApi(ctx, (api) => api.call<RawMetricView>('POST', '/v1/raw-metrics', { org, body }))
    ctx.out(`Created raw metric ${m.name}. Producers send events with POST /usage/${m.name}.`)
  },
}

export const rawMetricsListCommand: Command = {
  path: ['raw-metrics', 'list'],
  summary: "List an organisation's raw metrics",
  usage: '--org ORG_ID',
  example: 'tally raw-metrics list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<{ data: RawMetricView[] }>('GET', '/v1/raw-metrics', { org }))
    ctx.out(
      table(
        res.data.map((m) => ({ ...m, field_schema: m.field_schema ? JSON.stringify(m.field_schema) : '' })),
        ['name', 'description', 'field_schema', 'created_at'],
      ),
    )
  },
}
