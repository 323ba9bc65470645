// `tally erp connect|sync|status|retry`: ERP connections and their outbox, over /v1/erp. The
// connection (with its credentials) is read from a JSON file, never from the command line,
// where it would sit in the shell history and the process list.
import type { z } from 'zod'
import type { connectionJson, retryJson, statusJson, syncJson } from '../../../connectors/erp/http/erpSchemas.ts'
import type { Command, CommandContext } from '../command.ts'
import { required } from '../command.ts'
import { readJsonFile } from '../readJsonFile.ts'
import { table } from '../output.ts'
import { withApi } from './withApi.ts'

const connectionOptions = { org: { type: 'string' as const }, connection: { type: 'string' as const } }
const connectionPath = (id: string, action: string) => `/v1/erp/connections/${encodeURIComponent(id)}/${action}`

/** `METHOD /v1/erp/connections/{--connection}/{action}` for `--org`. */
async function onConnection<T>(ctx: CommandContext, method: 'GET' | 'POST', action: string): Promise<{ org: string; answer: T }> {
  const org = required(ctx, 'org')
  const path = connectionPath(required(ctx, 'connection'), action)
  return { org, answer: await withApi(ctx, (api) => api.call<T>(method, path, { org })) }
}

export const erpConnectCommand: Command = {
  path: ['erp', 'connect'],
  summary: 'Connect an ERP from a JSON file: type, tenant_id, base_url?, credentials, settings, account_map (credentials are stored encrypted, never shown)',
  usage: '--org ORG_ID --file CONNECTION.json',
  example: 'tally erp connect --org $ORG --file xero.json',
  options: { org: { type: 'string' }, file: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const file = required(ctx, 'file')
    const body = await readJsonFile(file)
    const c = await withApi(ctx, (api) => api.call<z.infer<typeof connectionJson>>('POST', '/v1/erp/connections', { org, body }))
    ctx.out(`Connected ${c.type} tenant ${c.tenant_id} as ${c.id}`)
  },
}

export const erpSyncCommand: Command = {
  path: ['erp', 'sync'],
  summary: "Send the connection's queued documents now (waits up to 30 s for retries falling due)",
  usage: '--org ORG_ID --connection CONNECTION_ID',
  example: 'tally erp sync --org $ORG --connection $CONNECTION',
  options: connectionOptions,
  async run(ctx) {
    const { answer: s } = await onConnection<z.infer<typeof syncJson>>(ctx, 'POST', 'sync')
    ctx.out(`Sent ${s.sent}, to retry ${s.retried}, failed ${s.failed}`)
  },
}

export const erpStatusCommand: Command = {
  path: ['erp', 'status'],
  summary: 'Documents per status, the last errors with the ERP’s messages, and recent documents with their ERP ids',
  usage: '--org ORG_ID --connection CONNECTION_ID',
  example: 'tally erp status --org $ORG --connection $CONNECTION',
  options: connectionOptions,
  async run(ctx) {
    const { org, answer: s } = await onConnection<z.infer<typeof statusJson>>(ctx, 'GET', 'status')
    ctx.out(`${s.connection.type} ${s.connection.tenant_id}: ${s.counts.sent} sent, ${s.counts.pending} pending, ${s.counts.failed} failed`)
    if (s.last_errors.length > 0) ctx.out(`\nLast errors:\n${table(s.last_errors, ['kind', 'tally_id', 'status', 'attempts', 'last_error'])}`)
    ctx.out(`\n${table(s.documents, ['kind', 'tally_id', 'status', 'attempts', 'erp_id'])}`)
    if (s.counts.failed > 0)
      ctx.out(
        `\nFix the cause (e.g. PUT ${connectionPath(s.connection.id, 'account-map')}), then: tally erp retry --org ${org} --connection ${s.connection.id}`,
      )
  },
}

export const erpRetryCommand: Command = {
  path: ['erp', 'retry'],
  summary: 'Put failed documents back to pending; the next sync sends them',
  usage: '--org ORG_ID --connection CONNECTION_ID',
  example: 'tally erp retry --org $ORG --connection $CONNECTION',
  options: connectionOptions,
  async run(ctx) {
    const { answer: r } = await onConnection<z.infer<typeof retryJson>>(ctx, 'POST', 'retry')
    ctx.out(`${r.requeued} failed document(s) back to pending`)
  },
}
