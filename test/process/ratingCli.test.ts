// End to end through the CLI, as an operator would: a real `tally start` (chDB + PGlite in its
// own data dir, the rating scheduler running inside it), events over HTTP, then `tally metrics
// create` (a SQL billable metric), `tally products create`, `tally contracts create --file`,
// `tally rate --period`, and `tally invoices finalize`; the invoice total is checked against
// arithmetic written out here, in integers (no JS number ever holds an amount).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTally, startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_test_key_0123456789abcdefghijklmnop'
const ADMIN = 'tly_admin_e2e_rating_0123456789abcdef'
const SERVER_CLOCK = '2026-12-15T00:00:00Z'
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/

let dir: string
let tally: TallyProcess
/** Runs `tally …` against the server; resolves with stderr + stdout. */
let cli: (args: string[]) => Promise<string>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-rating-cli-'))
  // The scheduler ticks every 2 s, as of the server's clock. That clock is pinned (TALLY_CLOCK,
  // then it advances with real time) before this contract's first billing date, 2027-01-01, so
  // on any real date (and whatever TALLY_CLOCK the suite runs with) only `tally rate --as-of`
  // bills it and its summary is exact. Finalize, void and reissue are dated by that clock too.
  tally = await startTallyProcess({
    TALLY_CLOCK: SERVER_CLOCK,
    TALLY_DATA_DIR: join(dir, 'server'),
    TALLY_BOOTSTRAP_ORG: ORG,
    TALLY_BOOTSTRAP_API_KEY: KEY,
    TALLY_ADMIN_TOKEN: ADMIN,
    TALLY_RATING_CRON: '*/2 * * * * *',
  })
  cli = async (args) => {
    const r = await runTally(args, { TALLY_URL: tally.base, TALLY_ADMIN_TOKEN: ADMIN, TALLY_DATA_DIR: join(dir, 'cli') })
    if (r.code !== 0) throw new Error(`tally ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`)
    // What the operator sees: the progress line goes to stderr, the summary to stdout.
    return `${r.stderr}${r.stdout}`
  }
}, 120_000)

afterAll(async () => {
  await tally?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tally.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: await res.json() }
}

/** Tokens of event i: a deterministic spread of 100–999. */
const tokens = (i: number) => 100 + ((i * 37) % 900)

describe('events → SQL metric → contract → tally rate → finalize', () => {
  it('bills January 2027 usage in arrears and February in advance, exactly', async () => {
    expect((await api('POST', '/v1/raw-metrics', { name: 'llm' })).status).toBe(201)
    for (const c of ['acme', 'globex']) expect((await api('POST', '/v1/customers', { external_id: c, name: c })).status).toBe(201)

    // Usage: 400 events for acme in January, plus noise that must not count: acme in December
    // and February, globex in January, and a retry of 50 January events (same event_id).
    const january = Array.from({ length: 400 }, (_, i) => ({
      raw_metric: 'llm',
      customer_id: 'acme',
      event_id: `jan-${i}`,
      timestamp: `2027-01-${String(1 + (i % 31)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:30:00.000`,
      data: { tokens: tokens(i) },
    }))
    const noise = [
      { raw_metric: 'llm', customer_id: 'acme', event_id: 'dec-1', timestamp: '2026-12-31 23:59:59.999', data: { tokens: 5000 } },
      { raw_metric: 'llm', customer_id: 'acme', event_id: 'feb-1', timestamp: '2027-02-01 00:00:00.000', data: { tokens: 7000 } },
      { raw_metric: 'llm', customer_id: 'globex', event_id: 'g-1', timestamp: '2027-01-15 12:00:00.000', data: { tokens: 9000 } },
    ]
    const first = await api('POST', '/v1/events', [...january, ...noise])
    expect(first).toMatchObject({ status: 202, body: { accepted: 403, rejected: 0 } })
    const retry = await api('POST', '/v1/events', january.slice(0, 50))
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 50 })

    // A SQL billable metric from a file.
    const sqlFile = join(dir, 'tokens.sql')
    writeFileSync(
      sqlFile,
      [
        "SELECT sum(toDecimal128OrZero(fields['tokens'], 9)) AS quantity",
        'FROM raw.llm',
        'WHERE customer_id = {customer_id:String}',
        '  AND timestamp >= {period_start:DateTime64(3)}',
        '  AND timestamp < {period_end:DateTime64(3)}',
      ].join('\n'),
    )
    expect(await cli(['metrics', 'create', 'llm_tokens', '--org', ORG, '--unit', 'token', '--raw-metric', 'llm', '--customer-query', sqlFile])).toContain(
      'llm_tokens',
    )

    const productFile = (name: string, body: object) => {
      const file = join(dir, `${name}.json`)
      writeFileSync(file, JSON.stringify(body))
      return file
    }
    const created = async (args: string[]) => UUID.exec(await cli(args))![0]
    const tokensProduct = await created([
      'products',
      'create',
      '--org',
      ORG,
      '--file',
      productFile('tokens', { name: 'Tokens', kind: 'metered', metric: { name: 'llm_tokens', version: 1 } }),
    ])
    const seatProduct = await created([
      'products',
      'create',
      '--org',
      ORG,
      '--file',
      productFile('seat', { name: 'Seats', kind: 'non_metered', default_quantity: '3' }),
    ])
    expect(await cli(['products', 'list', '--org', ORG])).toMatch(/Tokens[\s\S]*Seats|Seats[\s\S]*Tokens/)

    const contractFile = productFile('contract', {
      customer: 'acme',
      currency: 'USD',
      start_date: '2027-01-01',
      cadence: 'monthly',
      backdated_invoices: 'finalize',
      phases: [
        {
          start_date: '2027-01-01',
          items: [
            { product_id: seatProduct, billing: 'in_advance', price: { model: 'per_unit', currency: 'USD', unit_price: '15.00' } },
            {
              product_id: tokensProduct,
              billing: 'in_arrears',
              price: {
                model: 'tiered',
                currency: 'USD',
                tiers: [
                  { up_to: '50000', unit_price: '0.001' },
                  { up_to: null, unit_price: '0.0004' },
                ],
              },
            },
          ],
        },
      ],
    })
    const contractId = await created(['contracts', 'create', '--org', ORG, '--file', contractFile])
    expect(await cli(['contracts', 'list', '--org', ORG])).toContain(contractId)

    // The expected total, independently, in ten-thousandths of a dollar (bigint):
    //   tokens in January = Σ tokens(i) for the 400 events (the retry, December, February and
    //   globex do not count); tier 1: min(q, 50000) × 0.001 = ×10; tier 2: the rest × 0.0004 = ×4;
    //   each line rounded half-up to cents; seats 3 × 15.00 in advance for February.
    let q = 0n
    for (let i = 0; i < 400; i++) q += BigInt(tokens(i))
    const toCents = (tenThousandths: bigint) => (tenThousandths + 50n) / 100n
    const tier1 = toCents((q < 50_000n ? q : 50_000n) * 10n)
    const tier2 = toCents((q > 50_000n ? q - 50_000n : 0n) * 4n)
    const expectedCents = tier1 + tier2 + 3n * 1500n
    const dollars = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`
    expect(q).toBe(216_100n) // 400 events of 100–999 tokens
    expect(dollars(expectedCents)).toBe('161.44') // 50000 × 0.001 = 50.00; 166100 × 0.0004 = 66.44; 3 × 15.00 = 45.00

    const rate = await cli(['rate', '--org', ORG, '--period', '2027-01', '--as-of', '2027-02-01T06:00:00Z'])
    expect(rate).toContain('rated 1 of 1 contracts as of 2027-02-01T06:00:00.000Z (1 metric runs)')
    // January's invoices: the opening one (dated 2027-01-01, seats for January in advance: 3 × 15.00 = 45.00,
    // past its 72 h grace: finalized as number 1) and February 1st's (a draft).
    expect(rate).toContain('invoices: 2 drafted, 0 re-rated, 0 unchanged, 1 finalized, 0 already final')
    expect(rate).toMatch(new RegExp(`USD\\s+${dollars(expectedCents + 4500n).replace('.', '\\.')}`))

    // The run is in the history: made through the API with the admin token, its period, its counters.
    const history = await api('GET', '/v1/rating/runs?status=succeeded&limit=200')
    const recorded = history.body.runs.find((r: { trigger: string }) => r.trigger === 'api')
    expect(recorded).toMatchObject({
      actor: 'admin',
      period: '2027-01',
      as_of: '2027-02-01T06:00:00.000Z',
      counters: { invoices_drafted: 2, invoices_finalized: 1 },
    })
    const listed = await cli(['rating', 'runs', '--org', ORG, '--status', 'succeeded'])
    expect(listed).toMatch(new RegExp(`${recorded.id}\\s.*api\\s+admin\\s+succeeded\\s+period 2027-01\\s+1\\s+2\\s+1\\s`))
    expect(await cli(['rating', 'runs', '--org', ORG, recorded.id])).toContain(recorded.id)

    const invoices = await api('GET', `/v1/invoices?contract_id=${contractId}`)
    expect(invoices.body.data.map((i: { billing_date: string }) => i.billing_date).sort()).toEqual(['2027-01-01', '2027-02-01'])
    const invoice = invoices.body.data.find((i: { billing_date: string }) => i.billing_date === '2027-02-01')
    expect(invoice).toMatchObject({ status: 'draft', billing_date: '2027-02-01', total: dollars(expectedCents) })
    const lines = (await api('GET', `/v1/invoices/${invoice.id}`)).body.lines as { quantity: string; amount: string; timing: string }[]
    expect(lines.map((l) => [l.timing, l.amount])).toEqual([
      ['in_arrears', dollars(tier1)],
      ['in_arrears', dollars(tier2)],
      ['in_advance', '45.00'],
    ])

    // Rating the same period again is a no-op; then finalize through the CLI.
    expect(await cli(['rate', '--org', ORG, '--period', '2027-01', '--as-of', '2027-02-01T07:00:00Z'])).toContain(
      '0 drafted, 0 re-rated, 1 unchanged, 0 finalized, 1 already final',
    )
    expect(await cli(['invoices', 'finalize', '--org', ORG, invoice.id])).toContain(`Invoice 2 finalized: ${dollars(expectedCents)} USD`)
    expect(await cli(['invoices', 'list', '--org', ORG, '--status', 'finalized'])).toContain(invoice.id)
    // Its billing date is in the period asked for, not in the month before.
    expect(await cli(['invoices', 'list', '--org', ORG, '--billing-from', '2027-02-01', '--billing-to', '2027-02-28'])).toContain(invoice.id)
    expect(await cli(['invoices', 'list', '--org', ORG, '--billing-from', '2027-01-01', '--billing-to', '2027-01-31'])).not.toContain(invoice.id)
    expect((await api('GET', `/v1/invoices/${invoice.id}`)).body.finalized_at).toMatch(/^2026-12-15T00:/) // dated by the server's clock

    // Void it and bill the period again through the CLI: a new draft with the same total.
    expect((await api('POST', `/v1/invoices/${invoice.id}/void`, { reason: 'wrong customer address' })).status).toBe(200)
    const reissued = await cli(['invoices', 'reissue', '--org', ORG, invoice.id])
    expect(reissued).toMatch(
      new RegExp(`^Draft [0-9a-f-]{36} replaces invoice ${invoice.id} \\(billing date 2027-02-01\\): ${dollars(expectedCents).replace('.', '\\.')} USD`),
    )
    expect(await cli(['invoices', 'list', '--org', ORG, '--status', 'draft'])).toContain(UUID.exec(reissued.slice(6))![0])

    // The scheduler inside `tally start` has been running all along, on the pinned clock.
    expect(tally.output()).toContain('rating scheduler started')
    const run = JSON.parse(await tally.waitForLine(/"contracts":1,.*"msg":"rating run finished"/))
    expect(run.asOf).toMatch(/^2026-12-15T00:/) // the pinned clock, minutes after its start
    expect(run.invoices).toEqual({ created: 0, updated: 0, unchanged: 0, finalized: 0, alreadyFinal: 0, heldForReview: 0 })
  }, 180_000)
})
