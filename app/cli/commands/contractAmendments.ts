// `tally contracts terminate|amend|amendments`: contract amendments over the HTTP API
// (rating/http/amendmentRoutes.ts). `amend` takes one change as JSON (`kind` plus its fields, the
// body of POST /v1/contracts/:id/amendments/preview) and sends it to its own endpoint, or with
// `--preview` prints the invoice it lands on without writing anything.
import type { Command, CommandContext } from '../command.ts'
import { required, requiredArgument, UsageError } from '../command.ts'
import { renderInvoicePreview, type InvoicePreviewAnswer } from '../invoicePreview.ts'
import { table } from '../output.ts'
import { readJsonFile } from '../readJsonFile.ts'
import { withApi } from './withApi.ts'

interface AmendmentView {
  version: number
  kind: string
  actor: string
  at: string
  request: Record<string, unknown>
  before: { end_date: string | null; phases: unknown[] }
  after: { end_date: string | null; renewal: string; end_proration: string; phases: unknown[] }
}

/** Where each kind of change is sent, and with what body. */
function requestFor(contract: string, change: Record<string, unknown>): { method: 'POST' | 'PATCH' | 'DELETE'; path: string; body?: unknown } {
  const { kind, start, ...body } = change
  const base = `/v1/contracts/${encodeURIComponent(contract)}`
  const phase = `${base}/phases/${encodeURIComponent(String(start))}`
  switch (kind) {
    case 'end_date':
      return { method: 'PATCH', path: base, body }
    case 'terminate':
      return { method: 'POST', path: `${base}/terminate`, body }
    case 'phase_added':
      return { method: 'POST', path: `${base}/phases`, body }
    case 'phase_edited':
      return { method: 'PATCH', path: phase, body }
    case 'phase_deleted':
      return { method: 'DELETE', path: phase }
    default:
      throw new UsageError('the change needs a kind: end_date, terminate, phase_added, phase_edited or phase_deleted')
  }
}

const summary = (a: AmendmentView) =>
  `Amendment ${a.version} (${a.kind}) by ${a.actor} at ${a.at}: end ${a.after.end_date ?? 'none'} (${a.after.renewal}, ${a.after.end_proration}), ${a.after.phases.length} phase(s)`

async function amendments(ctx: CommandContext, org: string, contract: string): Promise<AmendmentView[]> {
  const res = await withApi(ctx, (api) => api.call<{ data: AmendmentView[] }>('GET', `/v1/contracts/${encodeURIComponent(contract)}/amendments`, { org }))
  return res.data
}

/** Sends one change to its endpoint and prints the amendment it recorded. */
async function amend(ctx: CommandContext, org: string, contract: string, change: Record<string, unknown>): Promise<void> {
  const req = requestFor(contract, change)
  await withApi(ctx, (api) => api.call(req.method, req.path, { org, ...(req.body === undefined ? {} : { body: req.body }) }))
  const done = (await amendments(ctx, org, contract)).at(-1)
  ctx.out(done ? summary(done) : `Amended contract ${contract}`)
}

export const contractsAmendCommand: Command = {
  path: ['contracts', 'amend'],
  summary: 'Amend a contract with one change from a JSON file (kind: end_date, terminate, phase_added, phase_edited, phase_deleted); --preview writes nothing',
  usage: 'CONTRACT_ID --org ORG_ID --file CHANGE.json [--preview]',
  example: 'tally contracts amend 6f0c… --org $ORG --file upgrade.json --preview',
  options: { org: { type: 'string' }, file: { type: 'string' }, preview: { type: 'boolean' } },
  async run(ctx) {
    const contract = requiredArgument(ctx, 'give the contract id: tally contracts amend CONTRACT_ID --org ORG_ID --file CHANGE.json')
    const org = required(ctx, 'org')
    const change = (await readJsonFile(required(ctx, 'file'))) as Record<string, unknown>
    if (ctx.values.preview === true) {
      const path = `/v1/contracts/${encodeURIComponent(contract)}/amendments/preview`
      const res = await withApi(ctx, (api) => api.call<{ invoice: InvoicePreviewAnswer | null }>('POST', path, { org, body: change }))
      ctx.out(res.invoice === null ? 'The contract bills no invoice after this change.' : renderInvoicePreview(res.invoice).join('\n'))
      return
    }
    await amend(ctx, org, contract, change)
  },
}

export const contractsTerminateCommand: Command = {
  path: ['contracts', 'terminate'],
  summary: 'Terminate a contract now, at the end of the current period or on a date; the unused days billed in advance are credited unless --proration none',
  usage: 'CONTRACT_ID --org ORG_ID --at now|period_end|YYYY-MM-DD [--proration prorate|none]',
  example: 'tally contracts terminate 6f0c… --org $ORG --at period_end',
  options: { org: { type: 'string' }, at: { type: 'string' }, proration: { type: 'string' } },
  async run(ctx) {
    const contract = requiredArgument(ctx, 'give the contract id: tally contracts terminate CONTRACT_ID --org ORG_ID --at now')
    const org = required(ctx, 'org')
    const proration = typeof ctx.values.proration === 'string' ? { proration: ctx.values.proration } : {}
    await amend(ctx, org, contract, { kind: 'terminate', at: required(ctx, 'at'), ...proration })
  },
}

export const contractsAmendmentsCommand: Command = {
  path: ['contracts', 'amendments'],
  summary: "A contract's amendments, oldest first: version, kind, who, when, the request",
  usage: 'CONTRACT_ID --org ORG_ID',
  example: 'tally contracts amendments 6f0c… --org $ORG',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const contract = requiredArgument(ctx, 'give the contract id: tally contracts amendments CONTRACT_ID --org ORG_ID')
    const org = required(ctx, 'org')
    const rows = (await amendments(ctx, org, contract)).map((a) => ({
      version: String(a.version),
      kind: a.kind,
      actor: a.actor,
      at: a.at,
      request: JSON.stringify(a.request),
      end_date: a.after.end_date ?? '',
      phases: `${a.before.phases.length} → ${a.after.phases.length}`,
    }))
    ctx.out(table(rows, ['version', 'kind', 'actor', 'at', 'request', 'end_date', 'phases']))
  },
}
