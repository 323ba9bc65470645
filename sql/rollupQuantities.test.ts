// Builder metrics from the rollups (rollupQuantities.ts) against the recount of `events` (the
// builder's own SQL, source: 'events'), on chDB through the real writer and rollup views: every
// aggregation the rollups serve, periods at a month boundary and in zones off the hour, events
// on the boundary instants, and late events written after a first rating.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventWriter, type EventWriter } from '../metering/eventWriter.ts'
import { rollupParts } from '../metering/usageTotals.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { metricVersionInputSchema, resolveMetricVersion } from './metricDefinition.ts'
import { metricQuantities } from './metricQuantities.ts'

const ORG = 'org-r'
const CUSTOMERS = ['a', 'b', "o'brien", 'nobody']
let ch: TestClickHouse
let writer: EventWriter
let seq = 0

const builder = (spec: Record<string, unknown>) =>
  resolveMetricVersion(metricVersionInputSchema.parse({ unit: 'u', mode: 'builder', builder: { raw_metric: 'calls', ...spec } }))
const at = (iso: string) => iso.replace('T', ' ').replace('Z', '')
/** Events of `customer` at each instant, `bytes` as the gateway stores numbers (strings), some without it or not numeric. */
async function write(customer: string, instants: string[]): Promise<void> {
  await writer.write(
    instants.map((t, i) =>
      eventRow({
        org_id: ORG,
        raw_metric: 'calls',
        customer_id: customer,
        event_id: `r${seq++}`,
        timestamp: at(t),
        data: JSON.stringify(i % 5 === 4 ? { bytes: 'n/a' } : i % 7 === 6 ? {} : { bytes: `${(seq % 13) - 4}.${seq % 10}75` }),
      }),
    ),
  )
}

/** Every minute edge around a boundary instant (ms), ±1 ms and ±1 min, and a few hours either side. */
function around(ms: number): string[] {
  return [-3_600_000 * 5, -60_000, -1, 0, 1, 59_999, 60_000, 3_600_000 * 2 + 1234].map((d) => new Date(ms + d).toISOString())
}

const MARCH_UTC = { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') }
// March in Asia/Kolkata (+05:30) and Asia/Kathmandu (+05:45): the ends are half and quarter hours.
const MARCH_KOLKATA = { start: new Date('2024-02-29T18:30:00Z'), end: new Date('2024-03-31T18:30:00Z') }
const MARCH_KATHMANDU = { start: new Date('2024-02-29T18:15:00Z'), end: new Date('2024-03-31T18:15:00Z') }
const PERIODS: Array<[string, { start: Date; end: Date }]> = [
  ['March UTC', MARCH_UTC],
  ['March in Kolkata', MARCH_KOLKATA],
  ['March in Kathmandu', MARCH_KATHMANDU],
]

const SPECS: Array<[string, Record<string, unknown>]> = [
  ['COUNT', { aggregation: 'COUNT' }],
  ['SUM', { aggregation: 'SUM', usage_field: 'bytes' }],
  ['MIN', { aggregation: 'MIN', usage_field: 'bytes' }],
  ['MAX', { aggregation: 'MAX', usage_field: 'bytes' }],
  ['SUM rounded half_up', { aggregation: 'SUM', usage_field: 'bytes', rounding: { mode: 'half_up', decimals: 1 } }],
  ['SUM rounded half_even', { aggregation: 'SUM', usage_field: 'bytes', rounding: { mode: 'half_even', decimals: 2 } }],
  ['MIN rounded up', { aggregation: 'MIN', usage_field: 'bytes', rounding: { mode: 'up', decimals: 0 } }],
  ['MAX rounded down', { aggregation: 'MAX', usage_field: 'bytes', rounding: { mode: 'down', decimals: 0 } }],
]

async function both(spec: Record<string, unknown>, period: { start: Date; end: Date }) {
  const version = builder(spec)
  const input = { handle: ch.handle, orgId: ORG, version, customerIds: CUSTOMERS, period }
  return { rollups: await metricQuantities(input), events: await metricQuantities({ ...input, source: 'events' }) }
}

beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-rollups-')
  writer = createEventWriter(ch.handle)
  const edges = [MARCH_UTC, MARCH_KOLKATA, MARCH_KATHMANDU].flatMap((p) => [...around(p.start.getTime()), ...around(p.end.getTime())])
  await write('a', [...edges, '2024-03-15T12:34:56.789Z'])
  await write('b', ['2024-03-02T00:00:00.000Z', '2024-03-31T23:59:59.999Z', ...around(MARCH_KOLKATA.end.getTime())])
  await write("o'brien", ['2024-03-10T10:10:10.010Z'])
})
afterAll(async () => {
  await writer?.close()
  await ch?.destroy()
})

describe('builder metrics from the rollups equal the recount of events', () => {
  for (const [periodName, period] of PERIODS) {
    it.each(SPECS)(`%s, ${periodName}`, async (_name, spec) => {
      const { rollups, events } = await both(spec, period)
      expect(rollups.stats.form).toBe('rollups')
      expect(events.stats.form).not.toBe('rollups')
      expect(rollups.customers).toEqual(events.customers)
      expect(rollups.columns).toEqual(events.columns)
      expect(rollups.customers.find((c) => c.customerId === 'a')!.quantity).not.toBe('0')
    })
  }

  it('late events, written after a first rating, are in the next one', async () => {
    const spec = { aggregation: 'SUM', usage_field: 'bytes' }
    const before = await both(spec, MARCH_KOLKATA)
    await write('nobody', ['2024-03-31T18:29:59.999Z', '2024-03-31T18:30:00.000Z'])
    await write('b', ['2024-02-29T18:30:00.000Z'])
    const after = await both(spec, MARCH_KOLKATA)
    expect(after.rollups.customers).toEqual(after.events.customers)
    expect(after.rollups.customers).not.toEqual(before.rollups.customers)
    // nobody's event at 18:29:59.999 is in the period, the one at 18:30 is not.
    expect(after.rollups.customers.find((c) => c.customerId === 'nobody')!.quantity).not.toBe('0')
  })

  it.each([
    ['AVG', { aggregation: 'AVG', usage_field: 'bytes' }, 'AVG'],
    ['UNIQUE_COUNT', { aggregation: 'UNIQUE_COUNT', usage_field: 'bytes' }, 'UNIQUE_COUNT'],
    ['COUNT of a field', { aggregation: 'COUNT', usage_field: 'bytes' }, 'non-numeric'],
    ['a filter', { aggregation: 'SUM', usage_field: 'bytes', filters: [{ field: 'bytes', op: 'exists' }] }, 'filters'],
    ['a customer field', { aggregation: 'SUM', usage_field: 'bytes', customer_column: 'account' }, 'data field'],
  ] as Array<[string, Record<string, unknown>, string]>)('%s runs the SQL', async (_name, spec, reason) => {
    const result = await metricQuantities({ handle: ch.handle, orgId: ORG, version: builder(spec), customerIds: CUSTOMERS, period: MARCH_UTC })
    expect(result.stats.form).not.toBe('rollups')
    expect(result.stats.notFromRollups).toContain(reason)
  })

  it('a period that does not end on a whole minute runs the SQL', async () => {
    const period = { start: MARCH_UTC.start, end: new Date('2024-03-31T23:59:59.999Z') }
    const result = await metricQuantities({ handle: ch.handle, orgId: ORG, version: builder({ aggregation: 'COUNT' }), customerIds: CUSTOMERS, period })
    expect(result.stats.form).not.toBe('rollups')
    expect(result.stats.notFromRollups).toContain('whole minute')
  })
})

describe('rollupParts', () => {
  it('hours inside, minutes at the edges', () => {
    const parts = rollupParts(new Date('2024-03-01T10:30:00Z'), new Date('2024-03-01T14:45:00Z'))
    expect(parts.map((p) => [p.table, p.from.toISOString(), p.to.toISOString()])).toEqual([
      ['usage_minute', '2024-03-01T10:30:00.000Z', '2024-03-01T11:00:00.000Z'],
      ['usage_hour', '2024-03-01T11:00:00.000Z', '2024-03-01T14:00:00.000Z'],
      ['usage_minute', '2024-03-01T14:00:00.000Z', '2024-03-01T14:45:00.000Z'],
    ])
    expect(rollupParts(new Date('2024-03-01T10:30:00Z'), new Date('2024-03-01T10:50:00Z')).map((p) => p.table)).toEqual(['usage_minute'])
    expect(rollupParts(MARCH_UTC.start, MARCH_UTC.end).map((p) => p.table)).toEqual(['usage_hour'])
  })
})
