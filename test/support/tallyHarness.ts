// A whole embedded Tally for one test file: fresh data directory, bootstrap organisation and
// API key, one raw metric and one customer, and helpers to call the API in-process.
// NOTE: chDB binds one data directory per process, so open one harness per test file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../platform/clock.ts'
import { loadConfig } from '../../platform/config/load.ts'
import type { Config } from '../../platform/config/schema.ts'
import { createLogger } from '../../platform/logger.ts'
import { createTally, type Tally } from '../../app/createTally.ts'

/** The organisation id of the reference docs' curl example. */
export const REFERENCE_ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
export const TEST_KEY = 'tly_test_key_0123456789abcdefghijklmnop'

export interface Harness {
  tally: Tally
  config: Config
  dataDir: string
  /** Calls the API in-process with the bootstrap key (override headers per call). */
  request(method: string, path: string, opts?: { body?: string | object; headers?: Record<string, string> }): Promise<Response>
  json<T = any>(method: string, path: string, opts?: { body?: string | object; headers?: Record<string, string> }): Promise<{ status: number; body: T }>
  close(): Promise<void>
}

/**
 * `opts.clock` fixes the app's "now" for tests that assert exact dates; otherwise it is the
 * suite's TALLY_CLOCK when one is set (as for the processes of tallyProcess.ts), else the machine's.
 * `opts.scheduler` starts the process's scheduled jobs as `tally start` does.
 */
export async function openHarness(env: Record<string, string> = {}, opts: { clock?: Clock; scheduler?: boolean } = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-harness-'))
  const config = loadConfig({
    TALLY_DATA_DIR: dataDir,
    TALLY_BOOTSTRAP_ORG: REFERENCE_ORG,
    TALLY_BOOTSTRAP_API_KEY: TEST_KEY,
    TALLY_LOG_LEVEL: 'silent',
    ...(process.env.TALLY_CLOCK ? { TALLY_CLOCK: process.env.TALLY_CLOCK } : {}),
    ...env,
  })
  const tally = await createTally(config, createLogger('silent'), {
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.scheduler ? { scheduler: true } : {}),
  })
  const request: Harness['request'] = (method, path, opts = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}`, ...opts.headers }
    let body: string | undefined
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
      headers['content-type'] ??= 'application/json'
    }
    return Promise.resolve(tally.app.request(path, { method, headers, body }))
  }
  return {
    tally,
    config,
    dataDir,
    request,
    async json(method, path, opts) {
      const res = await request(method, path, opts)
      return { status: res.status, body: (await res.json()) as never }
    },
    async close() {
      await tally.close()
      if (dataDir.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Creates a raw metric and customers in the bootstrap organisation. */
export async function seed(h: Harness, opts: { rawMetrics: string[]; customers: string[] }): Promise<void> {
  for (const name of opts.rawMetrics) {
    const r = await h.json('POST', '/v1/raw-metrics', { body: { name } })
    if (r.status !== 201) throw new Error(`seed raw metric ${name}: ${r.status} ${JSON.stringify(r.body)}`)
  }
  for (const id of opts.customers) {
    const r = await h.json('POST', '/v1/customers', { body: { external_id: id, name: id } })
    if (r.status !== 201) throw new Error(`seed customer ${id}: ${r.status} ${JSON.stringify(r.body)}`)
  }
}

/** The billable metric the rating tests bill: `api_call_count`, COUNT of `raw.api_calls` per customer (version 1). */
export async function createApiCallCountMetric(h: Harness): Promise<void> {
  const metric = await h.json('POST', '/v1/billable-metrics', {
    body: {
      name: 'api_call_count',
      unit: 'call',
      mode: 'builder',
      builder: { raw_metric: 'api_calls', customer_column: 'customer_id', aggregation: 'COUNT', filters: [], group_by: [] },
    },
  })
  if (metric.status !== 201) throw new Error(`metric: ${metric.status} ${JSON.stringify(metric.body)}`)
}
