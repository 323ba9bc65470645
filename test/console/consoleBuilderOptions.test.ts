// The visual builder's less common choices through the console against a whole embedded Tally
// (in-process, the page's HTML as served): a time-weighted sum with a series field, a time unit,
// a customer column and rounding is validated and previewed by the API (the SQL it writes names
// them); rounding decimals that are not a whole number are refused naming rounding.decimals.
// Before, the form offered none of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import { sessionOf } from '../../console/consoleTestKit.ts'
import { fixedClock } from '../../platform/clock.ts'
import { type Harness, openHarness, TEST_KEY } from '../support/tallyHarness.ts'

let h: Harness
let cookie = ''

beforeAll(async () => {
  h = await openHarness({}, { clock: fixedClock('2026-03-10T09:00:00Z') })
  expect((await h.json('POST', '/v1/raw-metrics', { body: { name: 'storage' } })).status).toBe(201)
  cookie = await sessionOf(h.tally.app as unknown as Hono, TEST_KEY)
})
afterAll(async () => {
  await h?.close()
})

/** Posts the builder's form (validate and preview) as the page's own form would. */
async function build(fields: Record<string, string>) {
  const form = await (await h.tally.app.request('/console/metrics/builder', { headers: { cookie } })).text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!
  const body = new URLSearchParams({
    _csrf: csrf,
    name: 'storage_gb_hours',
    unit: 'GB-hour',
    raw_metric: 'storage',
    aggregation: 'TIME_WEIGHTED_SUM',
    usage_field: 'gb',
    period_start: '2026-02-01T00:00:00Z',
    period_end: '2026-03-01T00:00:00Z',
    ...fields,
  })
  const res = await h.tally.app.request('/console/metrics/builder', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  })
  return { status: res.status, html: await res.text() }
}

describe('the visual builder: customer column, series, time unit, rounding', () => {
  it('has the API write and preview the SQL with each choice', async () => {
    const { status, html } = await build({
      customer_column: 'account',
      series_field: 'volume_id',
      time_unit: 'minute',
      rounding_mode: 'half_up',
      rounding_decimals: '2',
    })
    expect(status).toBe(200)
    const sql = html.slice(html.indexOf('id="b-sql"'))
    for (const part of ['account', 'volume_id', '60', 'round']) expect(sql).toContain(part)
    expect(html).toContain('<option value="minute" selected="">minute</option>')
    // Without them: none of those parts.
    const plain = await build({})
    const plainSql = plain.html.slice(plain.html.indexOf('id="b-sql"'))
    for (const part of ['account', 'volume_id', 'round']) expect(plainSql).not.toContain(part)
  })

  it('refuses rounding decimals that are not a whole number, naming the field', async () => {
    const { status, html } = await build({ rounding_mode: 'up', rounding_decimals: 'two' })
    expect(status).toBe(400)
    expect(html).toContain('rounding.decimals')
  })
})
