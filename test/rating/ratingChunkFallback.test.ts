// Per-contract error isolation of the bulk write path (rating/execute/ratingChunk.ts): a chunk
// of contracts is one transaction, so a write the database refuses would cost every contract of
// the chunk its invoices; the run rates such a chunk again contract by contract. And a contract
// whose rating throws inside the chunk is discarded alone. The database (PGlite) is real; the
// fault is injected into what one contract's session writes (a line position written twice,
// which the unique key on (invoice_id, position) refuses when the chunk is written).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ledger } from '../../ledger/ledger.ts'
import type { ContractRatingSession } from '../../ledger/ratingStore.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { fixedClock } from '../../platform/clock.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { runRating, type RatingProgress } from '../../rating/execute/ratingRun.ts'
import { createTestLedger } from '../support/testLedger.ts'
import { fixedQuantities } from './billingSuite.ts'
import { perCallContracts } from './perCallContracts.ts'

let dir: string
let handle: DatabaseHandle
let ledger: Ledger
const clock = fixedClock('2026-11-06T09:00:00.000Z')
const opts = { asOf: new Date('2026-11-05T00:00:00Z'), graceHours: 24 }

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-rating-chunk-'))
  handle = await openDatabase({ dataDir: dir })
  await migrateDatabase(handle, ledgerMigrationsFolder)
  ledger = createTestLedger(handle.db)
})
afterAll(async () => {
  await handle?.close()
  await rm(dir, { recursive: true, force: true })
})

/** Three contracts k0–k2 billing 1.00 a call in arrears from 2026-10-01; usage 1, 2, 3 calls. */
const organisation = () => perCallContracts(ledger, 'chunk', ['k0', 'k1', 'k2'])

/** The ledger, with the chunk session of `contractId` altered by `alter` (the per-contract path is left as it is). */
function faulty(contractId: string, alter: (session: ContractRatingSession) => ContractRatingSession): Ledger {
  return {
    ...ledger,
    invoiceDrafts: {
      ...ledger.invoiceDrafts,
      withContractLocks: (chunk, fn) =>
        ledger.invoiceDrafts.withContractLocks(chunk, (batch) =>
          fn({ ...batch, session: (id) => (id === contractId ? alter(batch.session(id)) : batch.session(id)) }),
        ),
    },
  }
}

const usage = new Map([
  ['k0', '1'],
  ['k1', '2'],
  ['k2', '3'],
])

async function totals(orgId: string): Promise<Record<string, string>> {
  const all = await ledger.invoices.list(orgId, { limit: 100 })
  return Object.fromEntries(all.filter((i) => i.billingDate === '2026-11-01').map((i) => [i.contractId, `${i.status} ${i.total} #${i.number}`]))
}

describe('a chunk of contracts written in one transaction', () => {
  it('a chunk the database refuses is rated again contract by contract: every contract gets its invoice, numbers stay gap-free', async () => {
    const { orgId, contractIds } = await organisation()
    const broken = faulty(contractIds[1]!, (session) => ({
      ...session,
      // Two lines at position 0: unique (invoice_id, position) refuses the chunk's line insert.
      writeDraft: (draft, now) => session.writeDraft({ ...draft, lines: [...draft.lines, ...draft.lines] }, now),
    }))
    const summary = await runRating({ ledger: broken, quantities: fixedQuantities(usage), clock }, { ...opts, orgId })
    expect(summary.skipped.filter((s) => s.reason.startsWith('rating failed'))).toEqual([])
    expect(summary.contractsRated).toBe(3)
    // October in arrears: 1, 2, 3 calls × 1.00, finalized after the fallback.
    const byContract = await totals(orgId)
    expect(contractIds.map((id) => byContract[id]!.split(' ').slice(0, 2).join(' '))).toEqual(['finalized 1.00', 'finalized 2.00', 'finalized 3.00'])
    const numbers = (await ledger.invoices.list(orgId, { limit: 100 })).map((i) => i.number).sort((a, b) => a! - b!)
    expect(numbers).toEqual([1, 2, 3])
    const again = await runRating({ ledger, quantities: fixedQuantities(usage), clock }, { ...opts, orgId })
    expect(again.invoices).toMatchObject({ created: 0, updated: 0, finalized: 0 })
  })

  it('a contract whose rating throws is discarded alone; the rest of its chunk is written', async () => {
    const { orgId, contractIds } = await organisation()
    const broken = faulty(contractIds[1]!, (session) => ({
      ...session,
      writeDraft: async () => {
        throw new Error('injected failure')
      },
    }))
    const progress: RatingProgress[] = []
    const summary = await runRating({ ledger: broken, quantities: fixedQuantities(usage), clock }, { ...opts, orgId, onProgress: (p) => progress.push(p) })
    expect(summary.skipped).toContainEqual({ contractId: contractIds[1], reason: 'rating failed: injected failure' })
    expect(summary.contractsRated).toBe(2)
    expect(summary.invoices).toMatchObject({ created: 2, finalized: 2 })
    const byContract = await totals(orgId)
    // Numbers 1 and 2, in contract id order (the run's order).
    expect(byContract[contractIds[0]!]).toMatch(/^finalized 1\.00 #[12]$/)
    expect(byContract[contractIds[1]!]).toBeUndefined()
    expect(byContract[contractIds[2]!]).toMatch(/^finalized 3\.00 #[12]$/)
    expect(byContract[contractIds[0]!]!.slice(-1)).not.toBe(byContract[contractIds[2]!]!.slice(-1))
    // Progress counts every contract done, of the three the run counted at its start.
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3 })
  })
})
