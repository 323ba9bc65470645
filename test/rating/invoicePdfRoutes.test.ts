// GET /v1/invoices/:id/pdf on the real app (a whole embedded Tally: chDB + PGlite): a contract
// rated over the API, its invoice fetched as PDF as a draft and once finalized, the text read
// back with pdfjs-dist; then `tally invoices pdf` against the same Tally over a real socket.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { invoicesPdfCommand } from '../../app/cli/commands/billing.ts'
import { createLogger } from '../../platform/logger.ts'
import { startServer, type RunningServer } from '../../app/serve.ts'
import { createApiCallCountMetric, type Harness, openHarness, REFERENCE_ORG, seed } from '../support/tallyHarness.ts'
import { pdfText } from './invoicePdfText.ts'

let h: Harness
let invoiceId = ''

beforeAll(async () => {
  h = await openHarness()
  await seed(h, { rawMetrics: ['api_calls'], customers: ['acme'] })
  const created = async (path: string, body: object) => {
    const r = await h.json('POST', path, { body })
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body as { id: string }
  }
  await createApiCallCountMetric(h)
  const api = await created('/v1/products', { name: 'API calls', kind: 'metered', metric: { name: 'api_call_count', version: 1 } })
  const platform = await created('/v1/products', { name: 'Platform', kind: 'non_metered' })
  await created('/v1/contracts', {
    customer: 'acme',
    name: 'Acme 2026',
    currency: 'USD',
    start_date: '2026-10-01',
    cadence: 'monthly',
    backdated_invoices: 'finalize',
    phases: [
      {
        start_date: '2026-10-01',
        items: [
          { product_id: platform.id, billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount: '100.00' } },
          {
            product_id: api.id,
            billing: 'in_arrears',
            price: {
              model: 'tiered',
              currency: 'USD',
              tiers: [
                { up_to: '1000', unit_price: '0.10' },
                { up_to: null, unit_price: '0.05' },
              ],
            },
          },
        ],
      },
    ],
  })
  const events = Array.from({ length: 1200 }, (_, i) => ({
    raw_metric: 'api_calls',
    customer_id: 'acme',
    timestamp: `2026-10-${String(1 + (i % 30)).padStart(2, '0')} 12:00:00.000`,
    event_id: `oct-${i}`,
    data: {},
  }))
  expect((await h.json('POST', '/v1/events', { body: events })).status).toBe(202)
  // The opening invoice (Oct 1st, 100.00 in advance) is past its grace and finalized as number 1;
  // November's is a draft: 1000 × 0.10 + 200 × 0.05 = 100.00 + 10.00 in arrears, 100.00 in advance.
  const run = await h.json('POST', '/v1/rating/runs', { body: { as_of: '2026-11-01T06:00:00Z' } })
  expect(run.body).toMatchObject({ totals: { USD: '310.00' } })
  const list = await h.json('GET', '/v1/invoices?status=draft')
  invoiceId = list.body.data[0].id
})
afterAll(async () => {
  await h?.close()
})

describe('GET /v1/invoices/:id/pdf', () => {
  it('renders the draft, marked as such, named by its id', async () => {
    const res = await h.request('GET', `/v1/invoices/${invoiceId}/pdf`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="invoice-${invoiceId}.pdf"`)
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
    const pdf = await pdfText(bytes)
    expect(pdf.text).toContain('Draft invoice')
    expect(pdf.text).toContain('DRAFT')
    expect(pdf.text).toContain('210.00 USD')
  })

  it('renders the finalized invoice: number, seller, customer, tiers, total', async () => {
    expect((await h.json('POST', `/v1/invoices/${invoiceId}/finalize`)).body).toMatchObject({ number: 2, total: '210.00' })
    const res = await h.request('GET', `/v1/invoices/${invoiceId}/pdf`)
    expect(res.headers.get('content-disposition')).toBe('inline; filename="invoice-2.pdf"')
    const pdf = await pdfText(new Uint8Array(await res.arrayBuffer()))
    const strings = pdf.pages[0]!.map((i) => i.str)
    expect(strings).toEqual(
      expect.arrayContaining([
        'Invoice 2',
        'finalized',
        h.config.bootstrapOrgName,
        'acme',
        'Contract Acme 2026',
        'api_call_count v1',
        '100.00',
        '10.00',
        'Page 1 of 1',
      ]),
    )
    expect(strings).toEqual(expect.arrayContaining(['Total', '210.00 USD', 'Amount due']))
    expect(pdf.text).toMatch(/\(tier 2\)/)
    expect(pdf.text).not.toContain('DRAFT')
    // Byte for byte the same on every request: dated by the invoice, not the clock.
    const [a, b] = await Promise.all([1, 2].map(async () => Buffer.from(await (await h.request('GET', `/v1/invoices/${invoiceId}/pdf`)).arrayBuffer())))
    expect(a!.equals(b!)).toBe(true)
  })

  it('answers 404 invoice_not_found as JSON for an unknown invoice', async () => {
    const res = await h.json('GET', `/v1/invoices/${randomUUID()}/pdf`)
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 404, code: 'invoice_not_found' })
  })

  it('is documented in /openapi.json', async () => {
    const spec = await h.json('GET', '/openapi.json')
    const responses = spec.body.paths['/v1/invoices/{id}/pdf'].get.responses
    expect(responses['200'].content).toEqual({ 'application/pdf': { schema: { type: 'string', format: 'binary' } } })
    expect(responses['404'].description).toContain('invoice_not_found')
  })
})

describe('tally invoices pdf', () => {
  // The command runs in this process (no `tally` child: a second embedded Tally costs seconds),
  // against the harness's app served on a real socket, through the CLI's own API client.
  let server: RunningServer
  let dir: string
  beforeAll(async () => {
    server = await startServer({ app: h.tally.app, port: 0, host: '127.0.0.1', logger: createLogger('silent') })
    dir = mkdtempSync(join(tmpdir(), 'tally-invoice-pdf-'))
  })
  afterAll(async () => {
    await server?.stop(1000)
    if (dir?.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true })
  })

  async function run(values: Record<string, string>, positionals: string[]): Promise<string[]> {
    const lines: string[] = []
    // The harness's data dir holds the generated admin token the CLI looks for.
    const config = { ...h.config, url: `http://127.0.0.1:${server.port}` }
    await invoicesPdfCommand.run({ values, positionals, config: () => config, logger: () => createLogger('silent'), out: (l) => lines.push(l) })
    return lines
  }

  it('writes invoice-<number>.pdf into the current directory, or to --out', async () => {
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      const out = await run({ org: REFERENCE_ORG }, [invoiceId])
      expect(out).toHaveLength(1)
      expect(out[0]).toMatch(/^Wrote invoice-2\.pdf \(1 page, \d+\.\d KB\)$/)
      const written = readFileSync(join(dir, 'invoice-2.pdf'))
      expect((await pdfText(written)).text).toContain('210.00 USD')
    } finally {
      process.chdir(cwd)
    }
    const target = join(dir, 'acme-november.pdf')
    expect(await run({ org: REFERENCE_ORG, out: target }, [invoiceId])).toEqual([expect.stringMatching(new RegExp(`^Wrote ${target} \\(1 page, `))])
    expect(readFileSync(target).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  })
})
