// Finalizations racing on the Postgres server, two pools as two processes: invoices of two
// billing entities and of the organisation itself, finalized all at once one by one and then
// credited all at once, come out numbered 1…n per issuer and kind, with no gap and no duplicate.
import { describe, expect, it } from 'vitest'
import { createTestLedger, testNow } from '../test/support/testLedger.ts'
import { customerWithDrafts } from './billingEntitiesSuite.ts'
import { newTestOrg, useTwoPoolServerLedger } from './useTestLedger.ts'

const NOW = new Date('2026-11-06T09:00:00Z')

describe('document numbers per billing entity under concurrent finalizations (Postgres server)', () => {
  const t = useTwoPoolServerLedger()

  it('numbers 1…6 per issuer for invoices and credit notes finalized and issued concurrently', async () => {
    const orgId = (await newTestOrg(t.ledger, 'Race')).id
    const acme = await t.ledger.billingEntities.create({ now: testNow(), orgId, name: 'Acme GmbH', invoicePrefix: 'A-', creditNotePrefix: 'AC-' })
    const globex = await t.ledger.billingEntities.create({ now: testNow(), orgId, name: 'Globex Ltd', invoicePrefix: 'G-' })
    const issuers = [acme.id, globex.id, null]
    const drafts = (
      await Promise.all(issuers.map((billingEntityId, i) => customerWithDrafts(t.ledger, { orgId, externalId: `c${i}`, billingEntityId, count: 6 })))
    ).flatMap((c) => c.drafts)
    const ledgers = [t.ledger, createTestLedger(t.second.db)]
    const finalized = await Promise.all(drafts.map((id, i) => ledgers[i % 2]!.invoices.finalize(orgId, id, NOW)))
    const notes = await Promise.all(
      finalized.map((invoice, i) => ledgers[(i + 1) % 2]!.creditNotes.create({ orgId, invoiceId: invoice.id, reason: 'billing_error', now: NOW })),
    )
    const numbered = (docs: { number: number | null; displayNumber: string | null; billingEntityId: string | null }[], entity: string | null) =>
      docs
        .filter((d) => d.billingEntityId === entity)
        .map((d) => [d.number, d.displayNumber])
        .sort((x, y) => (x[0] as number) - (y[0] as number))
    const six = [1, 2, 3, 4, 5, 6]
    expect(numbered(finalized, acme.id)).toEqual(six.map((n) => [n, `A-${String(n).padStart(6, '0')}`]))
    expect(numbered(finalized, globex.id)).toEqual(six.map((n) => [n, `G-${String(n).padStart(6, '0')}`]))
    expect(numbered(finalized, null)).toEqual(six.map((n) => [n, null]))
    expect(numbered(notes, acme.id)).toEqual(six.map((n) => [n, `AC-${String(n).padStart(6, '0')}`]))
    expect(numbered(notes, globex.id)).toEqual(six.map((n) => [n, null]))
    expect(numbered(notes, null)).toEqual(six.map((n) => [n, null]))
  })
})
