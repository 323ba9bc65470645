import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runTally, startTallyProcess } from '../support/tallyProcess.ts'

const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_restart_test_key_00000000000000000'

describe('restarting `tally start`', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-restart-'))
  const env = { TALLY_DATA_DIR: dataDir, TALLY_BOOTSTRAP_ORG: ORG, TALLY_BOOTSTRAP_API_KEY: KEY }
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  const call = async (base: string, method: string, path: string, body?: unknown, key = KEY) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as any }
  }

  it('keeps events, organisations, keys and customers, and shuts down cleanly on SIGTERM', async () => {
    const first = await startTallyProcess(env)
    expect((await call(first.base, 'POST', '/v1/raw-metrics', { name: 'api_calls' })).status).toBe(201)
    expect((await call(first.base, 'POST', '/v1/customers', { external_id: 'acme', name: 'Acme', currency: 'JPY' })).status).toBe(201)
    const events = Array.from({ length: 250 }, (_, i) => ({
      raw_metric: 'api_calls',
      customer_id: 'acme',
      timestamp: new Date(Date.UTC(2024, 5, 1) + i * 1000).toISOString(),
      data: { calls: '2' },
    }))
    expect((await call(first.base, 'POST', '/v1/events', events)).body).toMatchObject({ accepted: 250 })
    // A second key, created through the CLI talking to the running server over HTTP.
    const created = await runTally(['keys', 'create', '--org', ORG, '--name', 'second'], { ...env, TALLY_URL: first.base })
    expect(created.code, created.stderr).toBe(0)
    const secondKey = /tly_[A-Za-z0-9]+/.exec(created.stdout)![0]
    expect(await first.stop()).toBe(0)
    expect(first.output()).toContain('stopped')

    const second = await startTallyProcess(env)
    try {
      const usage = await call(
        second.base,
        'GET',
        '/v1/usage?raw_metric=api_calls&from=2024-06-01T00:00:00Z&to=2024-06-02T00:00:00Z&granularity=day',
        undefined,
        secondKey,
      )
      expect(usage.body.buckets).toEqual([
        { bucket: '2024-06-01T00:00:00.000Z', customer_id: 'acme', events: '250', fields: { calls: { count: '250', sum: '500', min: '2', max: '2' } } },
      ])
      expect((await call(second.base, 'GET', '/v1/customers/acme')).body).toMatchObject({ external_id: 'acme', currency: 'JPY' })
      // Replaying the whole batch after the restart changes nothing: dedup state survived too.
      expect((await call(second.base, 'POST', '/v1/events', events)).body).toMatchObject({ accepted: 0, duplicates: 250 })
    } finally {
      expect(await second.stop()).toBe(0)
    }
  })

  it('refuses a second process on the same data directory with a clear message', async () => {
    const running = await startTallyProcess(env)
    try {
      const other = await runTally(['migrate'], { ...env, TALLY_URL: '' })
      expect(other.code).toBe(1)
      expect(other.stderr).toContain('Another Tally process')
    } finally {
      await running.stop()
    }
  })
})
