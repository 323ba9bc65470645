import type { Command } from '../command.ts'
import { required } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface OrgView {
  id: string
  name: string
  created_at: string
}

export const orgsCreateCommand: Command = {
  path: ['orgs', 'create'],
  summary: 'Create an organisation',
  usage: '--name NAME [--id UUID]',
  example: 'tally orgs create --name "Acme Corp"',
  options: { name: { type: 'string' }, id: { type: 'string' } },
  async run(ctx) {
    const name = required(ctx, 'name')
    const org = await withApi(ctx, (api) => api.call<OrgView>('POST', '/v1/organisations', { body: { name, ...(ctx.values.id ? { id: ctx.values.id } : {}) } }))
    ctx.out(`Created organisation ${org.id} (${org.name}).`)
    ctx.out(`Next: tally keys create --org ${org.id}`)
  },
}

export const orgsListCommand: Command = {
  path: ['orgs', 'list'],
  summary: 'List organisations',
  usage: '',
  example: 'tally orgs list',
  async run(ctx) {
    const res = await withApi(ctx, (api) => api.call<{ data: OrgView[] }>('GET', '/v1/organisations'))
    ctx.out(table(res.data, ['id', 'name', 'created_at']))
  },
}
