// A customer's address and tax settings in the console, against a stub API that checks each PATCH
// body with the API's own schema: the customer page shows them (the rate by name), the form saves
// them through PATCH /v1/customers/:id behind the CSRF token, it says which rate its lines are
// taxed at and why (its own, else its country's live rate, else none), and a refusal (an unknown tax rate,
// a bad country code) comes back on the form as a readable message with its code, fields kept.
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { updateCustomerRequest } from '../ledger/http/ledgerSchemas.ts'
import type { Assets } from './assets.ts'
import { createConsole } from './consoleApp.tsx'
import { sessionOf } from './consoleTestKit.ts'
import { customerTaxBody, customerTaxFormOf } from './customerTaxForm.ts'
import type { Customer } from './pages/customers.tsx'

const KEY = 'tly_console_tax_test_key_0123456'
const assets: Assets = { url: (e) => `/console/assets/${e}`, get: () => undefined }
const VAT = { id: 'r-vat', name: 'UK VAT 20%', percentage: '20', type: 'exclusive', jurisdiction: 'GB', description: null, archived_at: null, created_at: '' }
const OLD = { ...VAT, id: 'r-old', name: 'UK VAT 17.5%', percentage: '17.5', created_at: '2025-01-01T00:00:00Z', archived_at: '2026-01-01T00:00:00Z' }

function stubApi() {
  let customer: Customer = {
    id: '00000000-0000-4000-8000-000000000001',
    external_id: 'acme',
    name: 'Acme Ltd',
    email: null,
    currency: 'GBP',
    time_zone: 'Europe/London',
    tax_rate: 'r-old',
    address: { line1: '1 High St', city: 'Leeds', postal_code: 'LS1 1AA', country: 'GB' },
    created_at: '2026-01-01T00:00:00Z',
  }
  const patches: unknown[] = []
  const fetch = async (req: Request) => {
    const url = new URL(req.url)
    if (req.headers.get('authorization') !== `Bearer ${KEY}`) return Response.json({ error: { code: 'invalid_api_key', message: 'no' } }, { status: 401 })
    if (url.pathname === '/v1/tax-rates') return Response.json({ data: url.searchParams.get('archived') === 'true' ? [VAT, OLD] : [VAT] })
    if (url.pathname === '/v1/tax-rates/r-vat') return Response.json(VAT)
    if (url.pathname === '/v1/tax-rates/r-old') return Response.json(OLD)
    if (url.pathname === '/v1/customers/acme/credits') return Response.json({ data: [] })
    if (url.pathname === '/v1/customers/acme' && req.method === 'PATCH') {
      const body: unknown = await req.json()
      patches.push(body)
      const parsed = updateCustomerRequest.safeParse(body)
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ field: i.path.join('.'), code: 'invalid_format', message: i.message }))
        return Response.json({ error: { code: 'invalid_request', message: 'The body is invalid', details } }, { status: 400 })
      }
      const b = parsed.data
      if (b.tax_rate !== undefined && b.tax_rate !== null && b.tax_rate !== VAT.id) {
        const message = 'not a live tax rate of the organisation'
        return Response.json(
          {
            error: {
              code: 'unknown_tax_rate',
              message: `tax rate ${b.tax_rate}: ${message}`,
              details: [{ field: 'tax_rate', code: 'unknown_tax_rate', message }],
            },
          },
          { status: 422 },
        )
      }
      // The answer leaves out what is none (customerJson).
      const next = { ...customer, ...b, tax_rate: b.tax_rate === undefined ? customer.tax_rate : b.tax_rate }
      customer = JSON.parse(JSON.stringify({ ...next, reverse_charge: next.reverse_charge || undefined }, (_k, v: unknown) => v ?? undefined)) as Customer
      return Response.json(customer)
    }
    if (url.pathname === '/v1/customers/acme') return Response.json(customer)
    return Response.json({ data: [], next_after: null })
  }
  return { patches, fetch }
}

async function setUp() {
  const api = stubApi()
  const app = new Hono().route('/console', createConsole({ api: api.fetch, assets: async () => assets }))
  const session = await sessionOf(app, KEY)
  const get = async (path: string) => (await app.request(path, { headers: { cookie: session } })).text()
  const post = (path: string, fields: Record<string, string>) =>
    app.request(path, {
      method: 'POST',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
  return { api, get, post }
}

const csrfOf = (html: string) => /name="csrf-token" content="([^"]+)"/.exec(html)![1]!
/** The edit form's fields as the page fills them (inputs, the ticked box, the selected rate). */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input id="[^"]*" name="([^"]+)" value="([^"]*)"/g)) fields[m[1]!] = m[2]!
  for (const m of html.matchAll(/<input[^>]*name="reverse_charge"[^>]*checked=""/g)) if (m) fields.reverse_charge = 'on'
  fields.tax_rate = /<option value="([^"]*)" selected=""/.exec(html)?.[1] ?? ''
  return fields
}

describe('a customer’s address and tax in the console', () => {
  it('shows the address, tax id, reverse charge and the default rate by name (an archived one too)', async () => {
    const { get } = await setUp()
    const html = await get('/console/customers/acme')
    expect(html).toContain('1 High St<br/>LS1 1AA Leeds<br/>GB')
    expect(html).toContain('UK VAT 17.5% (17.5 %, exclusive, archived)')
    expect(html).toMatch(/<dt>Reverse charge<\/dt><dd>No<\/dd>/)
    expect(html).toContain('href="/console/customers/acme/tax"')
  })

  it('shows the rate applied and where it comes from: its own (archived) rate, else its address country’s live rate, else none', async () => {
    const { get, post } = await setUp()
    const applied = async () => /<dt>Tax rate applied<\/dt><dd>([^<]*)</.exec(await get('/console/customers/acme'))![1]
    expect(await applied()).toBe('UK VAT 17.5% (17.5 %, exclusive, archived), its own default rate')
    const form = await get('/console/customers/acme/tax')
    const fields = { ...formFields(form), _csrf: csrfOf(form) }
    expect((await post('/console/customers/acme/tax', { ...fields, tax_rate: '' })).status).toBe(303)
    expect(await applied()).toBe('UK VAT 20% (20 %, exclusive), the live rate for its address country GB')
    await post('/console/customers/acme/tax', { ...fields, tax_rate: '', reverse_charge: 'on' })
    expect(await applied()).toBe('UK VAT 20% (20 %, exclusive), the live rate for its address country GB; reverse charge: taxed lines at 0 %')
    await post('/console/customers/acme/tax', { ...fields, tax_rate: '', address_country: 'FR' })
    expect(await applied()).toBe('None: no rate of its own and no live rate for its address country FR, so its lines are not taxed')
  })

  it('saves an edit through PATCH behind the CSRF token; an unchanged archived rate is not sent', async () => {
    const { api, get, post } = await setUp()
    const form = await get('/console/customers/acme/tax')
    const fields = formFields(form)
    expect(fields).toMatchObject({ tax_rate: 'r-old', address_line1: '1 High St', address_country: 'GB', tax_id: '' })
    expect((await post('/console/customers/acme/tax', { ...fields, tax_id: 'GB123' })).status).toBe(403)
    expect(api.patches).toEqual([])

    const saved = await post('/console/customers/acme/tax', {
      ...fields,
      _csrf: csrfOf(form),
      tax_id: ' GB123456789 ',
      reverse_charge: 'on',
      address_line2: 'Unit 4',
    })
    expect(saved.status).toBe(303)
    expect(saved.headers.get('location')).toBe('/console/customers/acme?done=tax')
    expect(api.patches).toEqual([
      {
        tax_id: 'GB123456789',
        reverse_charge: true,
        address: { line1: '1 High St', line2: 'Unit 4', city: 'Leeds', postal_code: 'LS1 1AA', country: 'GB' },
      },
    ])
    const after = await get('/console/customers/acme?done=tax')
    expect(after).toContain('Address and tax saved')
    expect(after).toContain('GB123456789')
    expect(after).toContain('1 High St<br/>Unit 4<br/>LS1 1AA Leeds<br/>GB')
    expect(after).toMatch(/<dt>Reverse charge<\/dt><dd>Yes/)

    // A live rate chosen; blanks clear the tax id and the address.
    const cleared = formFields(await get('/console/customers/acme/tax'))
    const blank = Object.fromEntries(
      Object.keys(cleared)
        .filter((k) => k.startsWith('address_'))
        .map((k) => [k, '']),
    )
    await post('/console/customers/acme/tax', { ...cleared, ...blank, _csrf: csrfOf(form), tax_rate: 'r-vat', tax_id: '', reverse_charge: '' })
    expect(api.patches.at(-1)).toEqual({ tax_rate: 'r-vat', tax_id: null, reverse_charge: false, address: null })
    const shown = await get('/console/customers/acme')
    expect(shown).toContain('UK VAT 20% (20 %, exclusive)')
    expect(shown).toMatch(/<dt>Address<\/dt><dd>—<\/dd>/)
  })

  it('shows a refusal readably with its code, the fields as typed: an unknown rate, a bad country code', async () => {
    const { get, post } = await setUp()
    const form = await get('/console/customers/acme/tax')
    const fields = { ...formFields(form), _csrf: csrfOf(form) }

    const unknown = await post('/console/customers/acme/tax', { ...fields, tax_rate: 'r-nope', tax_id: 'GB999' })
    expect(unknown.status).toBe(422)
    const u = await unknown.text()
    expect(u).toContain('This tax rate is not one of your organisation’s live rates')
    expect(u).toContain('<code>unknown_tax_rate</code>')
    expect(u).toContain('tax_rate: not a live tax rate of the organisation')
    expect(u).toContain('value="GB999"')

    const country = await post('/console/customers/acme/tax', { ...fields, address_country: 'gb' })
    expect(country.status).toBe(400)
    const t = await country.text()
    expect(t).toContain('<code>invalid_request</code>')
    expect(t).toContain('address.country: must be an ISO 3166-1 alpha-2 code such as &quot;GB&quot;')
    expect(t).toContain('name="address_country" value="gb"')
  })

  it('lists the tax rates, live or with the archived ones, read-only', async () => {
    const { get } = await setUp()
    const live = await get('/console/tax-rates')
    expect(live).toContain('<th scope="row">UK VAT 20%</th><td class="num">20 %</td><td>exclusive</td><td>GB</td>')
    expect(live).not.toContain('UK VAT 17.5%')
    expect(live).not.toContain('<form method="post" action="/console/tax')
    const archived = await get('/console/tax-rates?archived=true')
    expect(archived).toContain('<th scope="row">UK VAT 20%</th>')
    expect(archived).toContain('<td>2025-01-01</td><td>2026-01-01</td>')
  })

  it('builds the PATCH body from the form: blanks are none, the rate only when it changed', () => {
    const c: Customer = { id: 'x', external_id: 'a', name: 'A', email: null, currency: 'EUR', time_zone: 'UTC', created_at: '' }
    const form = customerTaxFormOf(c)
    expect(customerTaxBody(form, c)).toEqual({ tax_id: null, reverse_charge: false, address: null })
    expect(customerTaxBody({ ...form, tax_rate: 'r-1', address_country: ' DE ' }, c)).toEqual({
      tax_rate: 'r-1',
      tax_id: null,
      reverse_charge: false,
      address: { country: 'DE' },
    })
    expect(customerTaxBody(form, { ...c, tax_rate: 'r-1' })).toMatchObject({ tax_rate: null })
  })
})
