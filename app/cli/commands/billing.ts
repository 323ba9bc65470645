// `tally plans|contracts|invoices …`: JSON files in, tables out (and invoice PDFs), all through the HTTP API.
import { readFile, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Command } from '../command.ts'
import { required, requiredArgument, UsageError } from '../command.ts'
import { counted, table } from '../output.ts'
import { withApi } from './withApi.ts'

async function jsonFile(path: unknown): Promise<unknown> {
  if (typeof path !== 'string' || path === '') throw new UsageError('--file PATH.json is required')
  return JSON.parse(await readFile(path, 'utf8')) as unknown
}

function createFrom(noun: 'plans' | 'contracts' | 'products', summary: string): Command {
  return {
    path: [noun, 'create'],
    summary,
    usage: '--org ORG_ID --file BODY.json',
    example: `tally ${noun} create --org $ORG --file ${noun.slice(0, -1)}.json`,
    options: { org: { type: 'string' }, file: { type: 'string' } },
    async run(ctx) {
      const org = required(ctx, 'org')
      const body = await jsonFile(ctx.values.file)
      const created = await withApi(ctx, (api) => api.call<{ id: string; name?: string }>('POST', `/v1/${noun}`, { org, body }))
      ctx.out(`Created ${noun.slice(0, -1)} ${created.name ?? ''} ${created.id}`.replace('  ', ' '))
    },
  }
}

/** The rows of a list, as the table shows them: objects as JSON. */
function shown(rows: Record<string, unknown>[], columns: string[]): string {
  return table(
    rows.map((r) => Object.fromEntries(columns.map((c) => [c, typeof r[c] === 'object' && r[c] !== null ? JSON.stringify(r[c]) : r[c]]))),
    columns,
  )
}

function listOf(noun: 'contracts', columns: string[]): Command {
  return {
    path: [noun, 'list'],
    summary: `List ${noun}`,
    usage: '--org ORG_ID',
    example: `tally ${noun} list --org $ORG`,
    options: { org: { type: 'string' } },
    async run(ctx) {
      const org = required(ctx, 'org')
      const res = await withApi(ctx, (api) => api.call<{ data: Record<string, unknown>[] }>('GET', `/v1/${noun}`, { org }))
      ctx.out(shown(res.data, columns))
    },
  }
}

/** A catalogue list paged by `cursor` (GET /v1/products, /v1/plans): every page, in name order. */
function pagedListOf(noun: 'plans' | 'products', columns: string[]): Command {
  return {
    path: [noun, 'list'],
    summary: `List ${noun} in name order (every page of GET /v1/${noun})`,
    usage: '--org ORG_ID [--name-contains TEXT] [--page-size 1-1000]',
    example: `tally ${noun} list --org $ORG --name-contains pro`,
    options: { org: { type: 'string' }, 'name-contains': { type: 'string' }, 'page-size': { type: 'string' } },
    async run(ctx) {
      const org = required(ctx, 'org')
      const pageSize = typeof ctx.values['page-size'] === 'string' ? ctx.values['page-size'] : '1000'
      if (!/^\d+$/.test(pageSize) || Number(pageSize) < 1 || Number(pageSize) > 1000) throw new UsageError('--page-size is a whole number from 1 to 1000')
      const name = typeof ctx.values['name-contains'] === 'string' ? ctx.values['name-contains'] : ''
      const rows = await withApi(ctx, async (api) => {
        const all: Record<string, unknown>[] = []
        let cursor: string | null = null
        do {
          const q = new URLSearchParams({ limit: pageSize, ...(name === '' ? {} : { q: name }), ...(cursor === null ? {} : { cursor }) })
          const res: { data: Record<string, unknown>[]; next_cursor: string | null } = await api.call('GET', `/v1/${noun}?${q}`, { org })
          all.push(...res.data)
          cursor = res.next_cursor
        } while (cursor !== null)
        return all
      })
      ctx.out(shown(rows, columns))
    },
  }
}

export const productsCreateCommand = createFrom('products', 'Create a product from a JSON body (see POST /v1/products)')
export const productsListCommand = pagedListOf('products', ['id', 'name', 'kind', 'metric', 'default_quantity'])
export const plansCreateCommand = createFrom('plans', 'Create a plan from a JSON body (see POST /v1/plans)')
export const plansListCommand = pagedListOf('plans', ['id', 'name', 'currency', 'features'])
export const contractsCreateCommand = createFrom('contracts', 'Create a contract from a JSON body (see POST /v1/contracts)')
export const contractsListCommand = listOf('contracts', ['id', 'customer', 'name', 'currency', 'start_date', 'end_date', 'cadence', 'renewal'])

export const invoicesListCommand: Command = {
  path: ['invoices', 'list'],
  summary: 'List invoices',
  usage: '--org ORG_ID [--status draft|finalized|paid|void] [--billing-from YYYY-MM-DD] [--billing-to YYYY-MM-DD]',
  example: 'tally invoices list --org $ORG --status draft --billing-from 2026-03-01 --billing-to 2026-03-31',
  options: { org: { type: 'string' }, status: { type: 'string' }, 'billing-from': { type: 'string' }, 'billing-to': { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const q = new URLSearchParams()
    for (const [flag, param] of [
      ['status', 'status'],
      ['billing-from', 'billing_from'],
      ['billing-to', 'billing_to'],
    ] as const) {
      const value = ctx.values[flag]
      if (typeof value === 'string' && value !== '') q.set(param, value)
    }
    const query = q.size === 0 ? '' : `?${q}`
    const res = await withApi(ctx, (api) => api.call<{ data: Record<string, unknown>[] }>('GET', `/v1/invoices${query}`, { org }))
    ctx.out(table(res.data, ['id', 'number', 'status', 'billing_date', 'currency', 'total']))
  },
}

export const invoicesFinalizeCommand: Command = {
  path: ['invoices', 'finalize'],
  summary: 'Finalize a draft invoice now (assigns the next number)',
  usage: '--org ORG_ID INVOICE_ID',
  example: 'tally invoices finalize --org $ORG $INVOICE_ID',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const id = requiredArgument(ctx, 'give the invoice id')
    const inv = await withApi(ctx, (api) =>
      api.call<{ number: number; total: string; currency: string }>('POST', `/v1/invoices/${encodeURIComponent(id)}/finalize`, { org }),
    )
    ctx.out(`Invoice ${inv.number} finalized: ${inv.total} ${inv.currency}`)
  },
}

export const invoicesReissueCommand: Command = {
  path: ['invoices', 'reissue'],
  summary: 'Bill the period of a void invoice again: a new draft, re-rated now (POST /v1/invoices/:id/reissue)',
  usage: '--org ORG_ID INVOICE_ID',
  example: 'tally invoices reissue --org $ORG $INVOICE_ID',
  options: { org: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const id = requiredArgument(ctx, 'give the id of the void invoice')
    const inv = await withApi(ctx, (api) =>
      api.call<{ id: string; billing_date: string; total: string; currency: string; grace_until: string }>(
        'POST',
        `/v1/invoices/${encodeURIComponent(id)}/reissue`,
        { org },
      ),
    )
    ctx.out(`Draft ${inv.id} replaces invoice ${id} (billing date ${inv.billing_date}): ${inv.total} ${inv.currency}, finalized after ${inv.grace_until}`)
  },
}

export const invoicesPdfCommand: Command = {
  path: ['invoices', 'pdf'],
  summary: 'Save an invoice as PDF (GET /v1/invoices/:id/pdf)',
  usage: '--org ORG_ID INVOICE_ID [--out FILE.pdf]   (default: invoice-<number or id>.pdf here)',
  example: 'tally invoices pdf --org $ORG $INVOICE_ID --out invoice.pdf',
  options: { org: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const org = required(ctx, 'org')
    const id = requiredArgument(ctx, 'give the invoice id')
    const { bytes, headers } = await withApi(ctx, (api) => api.download(`/v1/invoices/${encodeURIComponent(id)}/pdf`, { org }))
    // The server names the file (invoice-<number or id>.pdf); basename keeps it in the current directory.
    const named = /filename="([^"]+)"/.exec(headers.get('content-disposition') ?? '')?.[1]
    const out = typeof ctx.values.out === 'string' && ctx.values.out !== '' ? ctx.values.out : basename(named ?? `invoice-${id}.pdf`)
    await writeFile(out, bytes)
    // Loaded here only: no other command needs a PDF parser.
    const { PDFDocument } = await import('pdf-lib')
    const pages = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount()
    ctx.out(`Wrote ${out} (${counted(pages, 'page')}, ${(bytes.length / 1024).toFixed(1)} KB)`)
  },
}
