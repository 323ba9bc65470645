import { describe, expect, it } from 'vitest'
import type { Assets } from '../assets.ts'
import { ConnectionsPage, type ErpStatus, type SourceRun } from './connections.tsx'

const assets: Assets = { url: (e) => `/console/assets/${e}`, get: () => undefined }
const run = (over: Partial<SourceRun>): SourceRun => ({
  id: 'r1',
  sync_id: 's1',
  status: 'succeeded',
  full: false,
  started_at: '2026-03-09T10:00:00.000Z',
  finished_at: '2026-03-09T10:00:02.000Z',
  checkpoint_from: null,
  checkpoint_to: null,
  rows_read: 120,
  rows_accepted: 117,
  rows_duplicate: 2,
  rows_rejected: 1,
  rows_per_second: '60',
  lag_ms: 4000,
  rejects: [],
  error: null,
  ...over,
})
const connection = { id: 'e1', type: 'xero', tenant_id: 't', base_url: 'https://x', settings: {}, account_map: {}, status: 'active' as const, created_at: '' }
const erp: ErpStatus = {
  connection,
  counts: { pending: 1, sent: 5, failed: 1 },
  last_errors: [
    {
      id: 'd1',
      kind: 'invoice',
      tally_id: 'abcdef0123',
      status: 'failed',
      attempts: 3,
      erp_id: null,
      last_error: 'Contact not found',
      next_attempt_at: null,
      sent_at: null,
      created_at: '',
    },
  ],
  documents: [],
}

describe('ConnectionsPage', () => {
  it("shows each source's runs (counts, lag, a failed run's error) and each ERP connection's outbox", async () => {
    const html = String(
      await ConnectionsPage({
        assets,
        csrf: 't',
        sources: [
          {
            source: { id: 'src1', kind: 'postgres', name: 'warehouse', created_at: '' },
            runs: [run({}), run({ id: 'r2', status: 'failed', error: { code: 'source_unreachable', message: 'connection refused' } })],
          },
        ],
        erp: [erp],
      })?.toString(),
    )
    expect(html).toContain('warehouse <span class="help">(postgres)</span>')
    expect(html).toMatch(/<td class="num">120<\/td><td class="num">117<\/td><td class="num">2<\/td><td class="num">1<\/td><td class="num">4 s<\/td>/)
    expect(html).toContain('<code>source_unreachable</code> connection refused')
    expect(html).toContain('5 sent, 1 pending, 1 failed')
    expect(html).toContain('invoice <code>abcdef01</code>: Contact not found (3 attempts)')
  })
})
