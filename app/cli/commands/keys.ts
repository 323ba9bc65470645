import type { Command } from '../command.ts'
import { required, requiredArgument } from '../command.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

interface KeyView {
  id: string
  name: string
  prefix: string
  created_at: string
  revoked_at: string | null
}

export const keysCreateCommand: Command = {
  path: ['keys', 'create'],
  summary: 'Create an API key for an organisation (the secret is shown once)',
  usage: '--org ORG_ID [--name NAME]',
  example: 'tally keys create --org $ORG --name ingest',
  options: { org: { type: 'string' }, name: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const name = typeof ctx.values.name === 'string' ? ctx.values.name : 'default'
    const created = await withApi(ctx, (api) =>
      api.call<KeyView & { secret: string }>('POST', `/v1/organisations/${encodeURIComponent(org)}/api-keys`, { body: { name } }),
    )
    ctx.out(`Created API key ${created.id} (${created.name}) for organisation ${org}.`)
    ctx.out(`Secret (shown once, store it now): ${created.secret}`)
  },
}

export const keysListCommand: Command = {
  path: ['keys', 'list'],
  summary: "List an organisation's API keys (never their secrets)",
  usage: '--org ORG_ID',
  example: 'tally keys list --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const res = await withApi(ctx, (api) => api.call<{ data: KeyView[] }>('GET', `/v1/organisations/${encodeURIComponent(org)}/api-keys`))
    ctx.out(table(res.data, ['id', 'name', 'prefix', 'created_at', 'revoked_at']))
  },
}

export const keysRevokeCommand: Command = {
  path: ['keys', 'revoke'],
  summary: 'Revoke an API key; requests with it get 401 from then on',
  usage: '--org ORG_ID KEY_ID',
  example: 'tally keys revoke --org $ORG $KEY_ID',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const keyId = requiredArgument(ctx, 'give the id of the key to revoke (see `tally keys list --org ...`)')
    await withApi(ctx, (api) => api.call('POST', `/v1/organisations/${encodeURIComponent(org)}/api-keys/${encodeURIComponent(keyId)}/revoke`))
    ctx.out(`Revoked API key ${keyId}.`)
  },
}
