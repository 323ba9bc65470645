// Guard for issue 10: the suite's time-sensitive process behaviour holds at any date. The rating
// scheduler inside a real `tally start` is run with its clock at the suite's clock (the machine's
// unless the suite sets TALLY_CLOCK), at 2027-03-01 (the date that broke ratingCli.test.ts) and
// at 2031-02-28; each time the invoices it writes for a contract starting 2027-01-01 are exactly
// those its own `asOf` calls for, worked out here independently. No assertion reads the wall
// clock: the expected invoices follow from the asOf the process reports.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_test_key_0123456789abcdefghijklmnop'
const GRACE_HOURS = 72

/** [name, TALLY_CLOCK for the process (undefined: the suite's), the prefix its asOf must have]. */
const CLOCKS: Array<[string, string | undefined, RegExp]> = [
  ['the suite clock', undefined, /^\d{4}-/],
  ['2027-03-01', '2027-03-01T00:00:00Z', /^2027-03-01T00:/],
  ['2031-02-28', '2031-02-28T12:00:00Z', /^2031-02-28T12:/],
]

/**
 * The monthly billing dates from 2027-01-01 whose midnight UTC is at or before `asOf`, each
 * `finalized` once its 72 h grace has ended by `asOf`, else `draft`; 45.00 each (3 seats × 15.00).
 */
function expectedInvoices(asOf: string): Array<[string, string, string]> {
  const at = Date.parse(asOf)
  const out: Array<[string, string, string]> = []
  for (let m = 0; Date.UTC(2027, m, 1) <= at; m++) {
    const billed = Date.UTC(2027, m, 1)
    out.push([new Date(billed).toISOString().slice(0, 10), billed + GRACE_HOURS * 3_600_000 <= at ? 'finalized' : 'draft', '45.00'])
  }
  return out
}

const dirs: string[] = []
let tally: TallyProcess | undefined
// A case that times out never reaches its `finally`: its process must not outlive it.
afterEach(() => {
  if (tally !== undefined && tally.child.exitCode === null && tally.child.signalCode === null) tally.child.kill('SIGKILL')
  tally = undefined
})
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('the rating scheduler inside `tally start` follows the injected clock', () => {
  it('the expected invoices of the guard clocks are worked out right', () => {
    expect(expectedInvoices('2027-03-01T00:00:00.000Z')).toEqual([
      ['2027-01-01', 'finalized', '45.00'],
      ['2027-02-01', 'finalized', '45.00'],
      ['2027-03-01', 'draft', '45.00'],
    ])
    expect(expectedInvoices('2031-02-28T12:00:00.000Z')).toHaveLength(50) // 4 × 12 + 2, the last ended its grace on 02-04
    expect(expectedInvoices('2026-12-31T23:59:59.999Z')).toEqual([])
  })

  it.each(CLOCKS)(
    'at %s',
    async (_name, clock, asOfPrefix) => {
      const dir = mkdtempSync(join(tmpdir(), 'tally-clock-guard-'))
      dirs.push(dir)
      try {
        tally = await startTallyProcess({
          TALLY_DATA_DIR: dir,
          TALLY_BOOTSTRAP_ORG: ORG,
          TALLY_BOOTSTRAP_API_KEY: KEY,
          TALLY_RATING_CRON: '* * * * * *',
          TALLY_RATING_GRACE_HOURS: String(GRACE_HOURS),
          ...(clock === undefined ? {} : { TALLY_CLOCK: clock }),
        })
        const { base } = tally
        const api = async (method: string, path: string, body?: unknown) => {
          const res = await fetch(`${base}${path}`, {
            method,
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          })
          return { status: res.status, body: (await res.json()) as any }
        }
        expect((await api('POST', '/v1/customers', { external_id: 'acme', name: 'Acme' })).status).toBe(201)
        const seats = await api('POST', '/v1/products', { name: 'Seats', kind: 'non_metered', default_quantity: '3' })
        expect(seats.status).toBe(201)
        const contract = await api('POST', '/v1/contracts', {
          customer: 'acme',
          currency: 'USD',
          start_date: '2027-01-01',
          cadence: 'monthly',
          backdated_invoices: 'finalize',
          phases: [
            {
              start_date: '2027-01-01',
              items: [{ product_id: seats.body.id, billing: 'in_advance', price: { model: 'per_unit', currency: 'USD', unit_price: '15.00' } }],
            },
          ],
        })
        expect(contract.status).toBe(201)

        // The first scheduled run that saw the contract, and the instant it rated as of.
        const run = JSON.parse(await tally.waitForLine(/"contracts":1,.*"msg":"rating run finished"/))
        expect(run.asOf).toMatch(asOfPrefix)
        const expected = expectedInvoices(run.asOf)
        expect(run.invoices).toMatchObject({ created: expected.length, finalized: expected.filter(([, s]) => s === 'finalized').length })

        const listed = (await api('GET', `/v1/invoices?contract_id=${contract.body.id}&limit=1000`)).body.data as {
          billing_date: string
          status: string
          total: string
        }[]
        expect(listed.map((i) => [i.billing_date, i.status, i.total]).sort()).toEqual(expected)
      } finally {
        await tally?.stop()
      }
    },
    240_000,
  )
})
