// The ledger endpoints in-process (`app.request`) over PGlite, with the platform's real error
// handler, so statuses and error bodies are the ones clients get. A tiny middleware stands in
// for authentication: it sets the principal from test headers.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEnv, Principal } from '../../platform/http/appEnv.ts'
import { handleError } from '../../platform/http/errorHandler.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import type { Ledger } from '../ledger.ts'
import { createTestLedger, testNow } from '../../test/support/testLedger.ts'
import { ledgerMigrationsFolder } from '../ledgerMigrationsFolder.ts'
import { fixedClock } from '../../platform/clock.ts'
import { ledgerRoutes } from './ledgerRoutes.ts'

let dir: string
let handle: DatabaseHandle
let ledger: Ledger
let app: Hono<AppEnv>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-ledger-routes-'))
  handle = await openDatabase({ dataDir: dir })
  await migrateDatabase(handle, ledgerMigrationsFolder)
  ledger = createTestLedger(handle.db)
  app = new Hono<AppEnv>()
  app.onError(handleError(pino({ level: 'silent' })))
  app.use(async (c, next) => {
    const principal: Principal = {
      kind: c.req.header('x-test-kind') === 'admin' ? 'admin' : 'api_key',
      orgId: c.req.header('x-test-org') ?? null,
    }
    c.set('principal', principal)
    await next()
  })
  app.route('/', ledgerRoutes(ledger, fixedClock('2026-01-01T00:00:00Z')))
})
afterAll(async () => {
  await handle?.close()
  await rm(dir, { recursive: true, force: true })
})

type As = { admin?: boolean; org?: string }
function call(method: string, path: string, as: As, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (as.admin) headers['x-test-kind'] = 'admin'
  if (as.org) headers['x-test-org'] = as.org
  const init: RequestInit = { method, headers }
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body)
  return app.request(path, init)
}
const admin: As = { admin: true }

async function newOrg(): Promise<string> {
  return (await ledger.organisations.create({ now: testNow(), name: 'Routes' })).id
}

describe('ledger routes', () => {
  it('admin creates an organisation (201) and lists it', async () => {
    const id = '0f3b8f9e-1111-4a2b-9c3d-123456789abc'
    const res = await call('POST', '/v1/organisations', admin, { id, name: 'Acme' })
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ id, name: 'Acme', created_at: expect.stringMatching(/Z$/) })
    const again = await call('POST', '/v1/organisations', admin, { id, name: 'Acme' })
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ error: { code: 'organisation_exists' } })
    const list = await call('GET', '/v1/organisations', admin)
    expect(((await list.json()) as { data: { id: string }[] }).data.map((o) => o.id)).toContain(id)
  })

  it('organisation and key management need the admin token (403 admin_required)', async () => {
    const org = await newOrg()
    for (const [method, path] of [
      ['POST', '/v1/organisations'],
      ['GET', '/v1/organisations'],
      ['POST', `/v1/organisations/${org}/api-keys`],
      ['GET', `/v1/organisations/${org}/api-keys`],
      ['POST', `/v1/organisations/${org}/api-keys/${org}/revoke`],
    ] as const) {
      const res = await call(method, path, { org }, method === 'POST' ? { name: 'x' } : undefined)
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(await res.json()).toMatchObject({ error: { code: 'admin_required' } })
    }
    // The admin check comes before the schema (a non-admin learns nothing of the fields) and
    // after the body limit (a body over 64 KiB is 413 for anyone).
    const shape = await call('POST', '/v1/organisations', { org }, { nam: 'x' })
    expect(shape.status).toBe(403)
    expect(await shape.json()).toMatchObject({ error: { code: 'admin_required' } })
    const big = await call('POST', '/v1/organisations', { org }, { name: 'x'.repeat(64 * 1024) })
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } })
  })

  it('admin creates, lists and revokes API keys; the secret appears only at creation', async () => {
    const org = await newOrg()
    const created = await call('POST', `/v1/organisations/${org}/api-keys`, admin, { name: 'gateway' })
    expect(created.status).toBe(201)
    const key = (await created.json()) as { id: string; secret: string; prefix: string; org_id: string }
    expect(key.secret).toMatch(/^tly_[0-9A-Za-z]{40}$/)
    expect(key).toMatchObject({ org_id: org, prefix: key.secret.slice(0, 12), revoked_at: null })

    const list = await call('GET', `/v1/organisations/${org}/api-keys`, admin)
    const text = await list.text()
    expect(text).not.toContain(key.secret)
    expect(text).not.toContain('hash')
    expect(JSON.parse(text)).toEqual({ data: [expect.objectContaining({ id: key.id, name: 'gateway' })] })

    const revoked = await call('POST', `/v1/organisations/${org}/api-keys/${key.id}/revoke`, admin)
    expect(revoked.status).toBe(200)
    expect(await revoked.json()).toMatchObject({ id: key.id, revoked_at: expect.any(String) })
    expect(await ledger.apiKeys.resolve(key.secret)).toBeNull()

    const missing = await call('POST', `/v1/organisations/${org}/api-keys/not-a-key/revoke`, admin)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'api_key_not_found' } })
  })

  it('key routes for an unknown organisation are 404', async () => {
    const unknown = '9e9e9e9e-0000-4000-8000-000000000000'
    const create = await call('POST', `/v1/organisations/${unknown}/api-keys`, admin, { name: 'x' })
    expect(create.status).toBe(404)
    const list = await call('GET', `/v1/organisations/${unknown}/api-keys`, admin)
    expect(list.status).toBe(404)
    expect(await list.json()).toMatchObject({ error: { code: 'organisation_not_found' } })
  })

  it('creates, gets and pages customers in snake_case JSON', async () => {
    const org = await newOrg()
    const res = await call(
      'POST',
      '/v1/customers',
      { org },
      {
        external_id: 'customer@example.com',
        name: 'Example',
        currency: 'EUR',
        time_zone: 'Europe/Paris',
      },
    )
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({
      id: expect.any(String),
      external_id: 'customer@example.com',
      name: 'Example',
      email: null,
      currency: 'EUR',
      time_zone: 'Europe/Paris',
      created_at: expect.any(String),
    })
    await call('POST', '/v1/customers', { org }, { external_id: 'b_customer', name: 'B' })

    const one = await call('GET', `/v1/customers/${encodeURIComponent('customer@example.com')}`, { org })
    expect(one.status).toBe(200)
    expect(await one.json()).toMatchObject({ external_id: 'customer@example.com' })

    const page1 = (await (await call('GET', '/v1/customers?limit=1', { org })).json()) as Record<string, unknown>
    expect(page1).toMatchObject({ data: [{ external_id: 'b_customer' }], next_after: 'b_customer' })
    const page2 = await (await call('GET', '/v1/customers?limit=1&after=b_customer', { org })).json()
    expect(page2).toMatchObject({ data: [{ external_id: 'customer@example.com' }], next_after: null })

    const dup = await call('POST', '/v1/customers', { org }, { external_id: 'b_customer', name: 'B' })
    expect(dup.status).toBe(409)
    expect(await dup.json()).toMatchObject({ error: { code: 'customer_exists' } })
    // External ids are the producer's, so they may contain a slash: it is addressable encoded.
    await call('POST', '/v1/customers', { org }, { external_id: 'team/acme', name: 'Slash' })
    const slash = await call('GET', `/v1/customers/${encodeURIComponent('team/acme')}`, { org })
    expect(slash.status).toBe(200)
    expect(await slash.json()).toMatchObject({ external_id: 'team/acme' })

    const missing = await call('GET', '/v1/customers/nobody', { org })
    expect(missing.status).toBe(404)
  })

  it('answers bad input with 400 (shape) or 422 (impossible content) and the failing field', async () => {
    const org = await newOrg()
    const notJson = await call('POST', '/v1/customers', { org }, '{"external_id":')
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ error: { code: 'invalid_json' } })

    const shape = await call('POST', '/v1/customers', { org }, { customer_id: 'x', name: '' })
    expect(shape.status).toBe(400)
    const body = (await shape.json()) as { error: { code: string; details: { field: string; code: string }[] } }
    expect(body.error.code).toBe('invalid_request')
    expect(body.error.details.map((d) => d.field).sort()).toEqual(['customer_id', 'external_id', 'name'])

    const currency = await call('POST', '/v1/customers', { org }, { external_id: 'x', name: 'x', currency: 'eur' })
    // A well-formed string that names no currency is content, not shape: 422 (as in a price).
    expect(currency.status).toBe(422)
    expect(await currency.json()).toMatchObject({
      error: { code: 'invalid_currency', details: [{ field: 'currency', code: 'invalid_currency' }] },
    })
    const tz = await call('POST', '/v1/customers', { org }, { external_id: 'x', name: 'x', time_zone: 'Nowhere/Land' })
    expect(tz.status).toBe(422)
    expect(await tz.json()).toMatchObject({ error: { code: 'invalid_time_zone', details: [{ field: 'time_zone' }] } })

    const limit = await call('GET', '/v1/customers?limit=0', { org })
    expect(limit.status).toBe(400)
    expect(await limit.json()).toMatchObject({ error: { code: 'invalid_request', details: [{ field: 'limit' }] } })
  })

  it('org-scoped routes need an organisation: admin without the header gets organisation_required', async () => {
    const res = await call('GET', '/v1/customers', admin)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'organisation_required' } })
    const org = await newOrg()
    const scoped = await call('POST', '/v1/raw-metrics', { admin: true, org }, { name: 'admin_made' })
    expect(scoped.status).toBe(201)
  })

  it('adds, lists and gets raw metrics; unknown ones are 404 with a hint', async () => {
    const org = await newOrg()
    const created = await call(
      'POST',
      '/v1/raw-metrics',
      { org },
      {
        name: 'cpu_usage',
        description: 'CPU hours per day',
        field_schema: { cpu_usage_hours_per_day: 'number' },
      },
    )
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual({
      id: expect.any(String),
      name: 'cpu_usage',
      description: 'CPU hours per day',
      field_schema: { cpu_usage_hours_per_day: 'number' },
      created_at: expect.any(String),
    })
    const list = await call('GET', '/v1/raw-metrics', { org })
    expect(await list.json()).toMatchObject({ data: [{ name: 'cpu_usage' }] })
    expect((await call('GET', '/v1/raw-metrics/cpu_usage', { org })).status).toBe(200)

    const dup = await call('POST', '/v1/raw-metrics', { org }, { name: 'cpu_usage' })
    expect(dup.status).toBe(409)
    const badName = await call('POST', '/v1/raw-metrics', { org }, { name: 'CPU-Usage' })
    expect(badName.status).toBe(400)
    expect(await badName.json()).toMatchObject({ error: { code: 'invalid_request', details: [{ field: 'name' }] } })
    const badType = await call('POST', '/v1/raw-metrics', { org }, { name: 'typed', field_schema: { n: 'int' } })
    expect(await badType.json()).toMatchObject({ error: { details: [{ field: 'field_schema.n' }] } })

    const missing = await call('GET', '/v1/raw-metrics/gpu_usage', { org })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({
      error: {
        code: 'raw_metric_not_found',
        message: 'raw metric gpu_usage does not exist',
        hint: 'Create it with `tally raw-metrics create gpu_usage` or POST /v1/raw-metrics',
      },
    })
  })

  it('one organisation cannot read another’s customers or raw metrics', async () => {
    const a = await newOrg()
    const b = await newOrg()
    await call('POST', '/v1/customers', { org: a }, { external_id: 'only_a', name: 'A' })
    await call('POST', '/v1/raw-metrics', { org: a }, { name: 'only_a' })
    expect((await call('GET', '/v1/customers/only_a', { org: b })).status).toBe(404)
    expect(await (await call('GET', '/v1/customers', { org: b })).json()).toEqual({ data: [], next_after: null })
    expect((await call('GET', '/v1/raw-metrics/only_a', { org: b })).status).toBe(404)
    expect(await (await call('GET', '/v1/raw-metrics', { org: b })).json()).toEqual({ data: [] })
  })
})
