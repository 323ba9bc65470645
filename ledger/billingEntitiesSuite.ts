// Part of the ledger contract suite (ledgerSuite.ts), run on every driver. Billing entities:
// refusals that change nothing, customers naming one, and invoices and credit notes numbered
// gap-free per issuer (each entity, and the organisation for customers with none), through
// both finalization paths (one invoice, and a rating chunk's bulk write).
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { queryRows } from '../platform/postgres/queryRows.ts'
import { billedCustomer, flatFees, writeDrafts } from './accounting/postingFixture.ts'
import type { Invoice } from './invoices.ts'
import type { Ledger } from './ledger.ts'
import { newTestOrg, type TestLedger } from './useTestLedger.ts'
import { testNow } from '../test/support/testLedger.ts'

const NOW = new Date('2026-11-06T09:00:00Z')

/** A customer of `billingEntityId` (absent: as created, the default entity if any) with a monthly contract and `count` drafts of 100.00 (accounting/postingFixture.ts). */
export async function customerWithDrafts(
  ledger: Ledger,
  c: { orgId: string; externalId: string; billingEntityId?: string | null; count: number },
): Promise<{ contractId: string; drafts: string[] }> {
  const product = await ledger.products.create({ now: testNow(), orgId: c.orgId, name: `Platform ${c.externalId}`, kind: 'non_metered' })
  const billed = await billedCustomer(ledger, c.orgId, c.externalId, product.id)
  await ledger.customers.update({ orgId: c.orgId, externalId: c.externalId, billingEntityId: c.billingEntityId })
  const drafts = Array.from({ length: c.count }, (_, i) => ({
    billingDate: `2024-${String(i + 1).padStart(2, '0')}-01`,
    total: '100.00',
    lines: flatFees(product.id, '100.00'),
  }))
  const written = await writeDrafts(ledger, { orgId: c.orgId, billed, drafts })
  return { contractId: billed.contractId, drafts: written.map((w) => w.id) }
}

export function describeBillingEntitySuite(t: TestLedger): void {
  describe('billing entities', () => {
    it('declares entities, lists them in creation order and refuses bad input without writing', async () => {
      const org = await newTestOrg(t.ledger)
      const acme = await t.ledger.billingEntities.create({
        now: testNow(),
        orgId: org.id,
        name: 'Acme GmbH',
        legalDetails: 'Berlin, DE123456789',
        invoicePrefix: 'ACME-2026-',
        creditNotePrefix: 'ACME-CN-',
      })
      expect(acme).toMatchObject({ name: 'Acme GmbH', legalDetails: 'Berlin, DE123456789', invoicePrefix: 'ACME-2026-', creditNotePrefix: 'ACME-CN-' })
      const bare = await t.ledger.billingEntities.create({ now: testNow(), orgId: org.id, name: 'Acme Ltd' })
      expect(bare).toMatchObject({ legalDetails: null, invoicePrefix: null, creditNotePrefix: null })
      const refusals: [Parameters<Ledger['billingEntities']['create']>[0], object][] = [
        [
          { now: testNow(), orgId: org.id, name: '  ' },
          { code: 'invalid_request', details: [expect.objectContaining({ field: 'name', code: 'invalid_name' })] },
        ],
        [
          { now: testNow(), orgId: org.id, name: 'X', invoicePrefix: 'A'.repeat(16) },
          { code: 'invalid_request', details: [expect.objectContaining({ field: 'invoice_prefix', code: 'invalid_prefix' })] },
        ],
        [
          { now: testNow(), orgId: org.id, name: 'X', creditNotePrefix: 'CN 1' },
          { code: 'invalid_request', details: [expect.objectContaining({ field: 'credit_note_prefix', code: 'invalid_prefix' })] },
        ],
        [
          { now: testNow(), orgId: org.id, name: 'Acme GmbH' },
          { category: 'conflict', code: 'billing_entity_exists' },
        ],
      ]
      for (const [input, error] of refusals) await expect(t.ledger.billingEntities.create(input)).rejects.toMatchObject(error)
      expect(await t.ledger.billingEntities.list(org.id)).toEqual([acme, bare])
      expect(await t.ledger.billingEntities.list((await newTestOrg(t.ledger)).id)).toEqual([])
      await expect(t.ledger.billingEntities.get(org.id, randomUUID())).rejects.toMatchObject({ code: 'billing_entity_not_found' })
    })

    it("a customer names one of its organisation's entities, changeable only before its first invoice", async () => {
      const org = await newTestOrg(t.ledger)
      const other = await newTestOrg(t.ledger)
      const foreign = await t.ledger.billingEntities.create({ now: testNow(), orgId: other.id, name: 'Foreign' })
      const entity = await t.ledger.billingEntities.create({ now: testNow(), orgId: org.id, name: 'Acme GmbH' })
      for (const billingEntityId of [foreign.id, 'not-a-uuid']) {
        await expect(t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'x', name: 'x', billingEntityId })).rejects.toMatchObject({
          category: 'unprocessable',
          code: 'unknown_billing_entity',
          details: [expect.objectContaining({ field: 'billing_entity' })],
        })
      }
      expect((await t.ledger.customers.list(org.id)).customers).toEqual([])
      const plain = await t.ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'plain', name: 'Plain' })
      expect(plain.billingEntityId).toBeNull()
      expect(await t.ledger.customers.update({ orgId: org.id, externalId: 'plain', billingEntityId: entity.id })).toMatchObject({ billingEntityId: entity.id })
      expect(await t.ledger.customers.update({ orgId: org.id, externalId: 'plain', billingEntityId: null })).toMatchObject({ billingEntityId: null })

      await customerWithDrafts(t.ledger, { orgId: org.id, externalId: 'billed', billingEntityId: entity.id, count: 1 })
      await expect(t.ledger.customers.update({ orgId: org.id, externalId: 'billed', billingEntityId: null })).rejects.toMatchObject({
        category: 'conflict',
        code: 'customer_has_invoices',
      })
      // Naming the entity it already has is no change, so it is allowed.
      expect(await t.ledger.customers.update({ orgId: org.id, externalId: 'billed', billingEntityId: entity.id, name: 'Billed' })).toMatchObject({
        name: 'Billed',
        billingEntityId: entity.id,
      })
    })

    it('numbers invoices and credit notes gap-free per issuer, with the display number of its prefix', async () => {
      const { ledger } = t
      const org = await newTestOrg(t.ledger)
      const acme = await ledger.billingEntities.create({
        now: testNow(),
        orgId: org.id,
        name: 'Acme GmbH',
        invoicePrefix: 'ACME-2026-',
        creditNotePrefix: 'ACME-CN-',
      })
      const bare = await ledger.billingEntities.create({ now: testNow(), orgId: org.id, name: 'Acme Ltd' })
      // A receiver of invoice.finalized (never delivered to here): the events show the display number.
      await t.handle.db.execute(
        sql`insert into webhook_endpoints (org_id, url, event_types, secret, created_at) values (${org.id}, 'https://hooks.example/t', '["invoice.finalized"]'::jsonb, 'sealed', now())`,
      )
      const a = await customerWithDrafts(ledger, { orgId: org.id, externalId: 'a', billingEntityId: acme.id, count: 3 })
      const b = await customerWithDrafts(ledger, { orgId: org.id, externalId: 'b', billingEntityId: bare.id, count: 2 })
      const c = await customerWithDrafts(ledger, { orgId: org.id, externalId: 'c', billingEntityId: null, count: 2 })
      // Interleaved, so each issuer's sequence is shown to ignore the others'.
      const order = [a.drafts[0], c.drafts[0], b.drafts[0], a.drafts[1], c.drafts[1], a.drafts[2], b.drafts[1]] as string[]
      const issued: Invoice[] = []
      for (const id of order) issued.push(await ledger.invoices.finalize(org.id, id, NOW))
      const of = (drafts: string[]) => issued.filter((i) => drafts.includes(i.id)).map((i) => [i.number, i.displayNumber, i.billingEntityId])
      expect(of(a.drafts)).toEqual([
        [1, 'ACME-2026-000001', acme.id],
        [2, 'ACME-2026-000002', acme.id],
        [3, 'ACME-2026-000003', acme.id],
      ])
      expect(of(b.drafts)).toEqual([
        [1, null, bare.id],
        [2, null, bare.id],
      ])
      expect(of(c.drafts)).toEqual([
        [1, null, null],
        [2, null, null],
      ])
      expect(await ledger.invoices.get(org.id, a.drafts[2]!)).toMatchObject({ number: 3, displayNumber: 'ACME-2026-000003' })
      const events = await queryRows<{ number: number; display: string | null }>(
        t.handle.db,
        sql`select (payload->'data'->'invoice'->>'number')::int as number, payload->'data'->'invoice'->>'display_number' as display
          from webhook_events where org_id = ${org.id} and type = 'invoice.finalized' order by created_at, number`,
      )
      expect(events.filter((e) => e.display !== null).map((e) => e.display)).toEqual(['ACME-2026-000001', 'ACME-2026-000002', 'ACME-2026-000003'])
      expect(events).toHaveLength(7)

      // A credit note is issued by the invoice's issuer, from its credit-note sequence.
      const credit = (invoiceId: string) => ledger.creditNotes.create({ orgId: org.id, invoiceId, reason: 'billing_error', now: NOW })
      expect(await credit(a.drafts[0]!)).toMatchObject({ number: 1, displayNumber: 'ACME-CN-000001', billingEntityId: acme.id })
      expect(await credit(a.drafts[1]!)).toMatchObject({ number: 2, displayNumber: 'ACME-CN-000002' })
      expect(await credit(b.drafts[0]!)).toMatchObject({ number: 1, displayNumber: null, billingEntityId: bare.id })
      expect(await credit(c.drafts[0]!)).toMatchObject({ number: 1, displayNumber: null, billingEntityId: null })
    })

    it('the default entity issues for customers created naming none; a PATCHed prefix shows on later documents, the numbering going on without a gap', async () => {
      const { ledger } = t
      const org = await newTestOrg(t.ledger)
      const gmbh = await ledger.billingEntities.create({ now: testNow(), orgId: org.id, name: 'Acme GmbH', invoicePrefix: 'ACME-2026-', isDefault: true })
      const ltd = await ledger.billingEntities.create({ now: testNow(), orgId: org.id, name: 'Acme Ltd', invoicePrefix: 'LTD-' })
      const a = await customerWithDrafts(ledger, { orgId: org.id, externalId: 'a', count: 3 })
      expect((await ledger.customers.get(org.id, 'a')).billingEntityId).toBe(gmbh.id)
      expect(
        (await ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'own', name: 'Own', billingEntityId: null })).billingEntityId,
      ).toBeNull()
      // Marking Ltd the default unmarks GmbH; customers created before keep their issuer.
      expect(await ledger.billingEntities.update(org.id, ltd.id, { isDefault: true })).toMatchObject({ id: ltd.id, isDefault: true })
      expect((await ledger.billingEntities.list(org.id)).map((e) => [e.name, e.isDefault])).toEqual([
        ['Acme GmbH', false],
        ['Acme Ltd', true],
      ])
      const b = await customerWithDrafts(ledger, { orgId: org.id, externalId: 'b', count: 1 })
      expect((await ledger.customers.get(org.id, 'a')).billingEntityId).toBe(gmbh.id)

      const finalize = (id: string) => ledger.invoices.finalize(org.id, id, NOW)
      await finalize(a.drafts[0]!)
      await finalize(a.drafts[1]!)
      const before = await ledger.billingEntities.list(org.id)
      const refusals: [Parameters<Ledger['billingEntities']['update']>, object][] = [
        [[org.id, gmbh.id, { invoicePrefix: 'ACME 2027' }], { code: 'invalid_request', details: [expect.objectContaining({ field: 'invoice_prefix' })] }],
        [[org.id, gmbh.id, { name: ' ' }], { code: 'invalid_request', details: [expect.objectContaining({ field: 'name', code: 'invalid_name' })] }],
        [[org.id, gmbh.id, { name: 'Acme Ltd' }], { category: 'conflict', code: 'billing_entity_exists' }],
        [[org.id, randomUUID(), { name: 'X' }], { code: 'billing_entity_not_found' }],
        [[(await newTestOrg(t.ledger)).id, gmbh.id, { name: 'X' }], { code: 'billing_entity_not_found' }],
      ]
      for (const [args, error] of refusals) await expect(ledger.billingEntities.update(...args)).rejects.toMatchObject(error)
      expect(await ledger.billingEntities.list(org.id)).toEqual(before)

      const changed = { name: 'Acme Holding GmbH', legalDetails: 'Neue Str. 2, 10115 Berlin', invoicePrefix: 'ACME-2027-' }
      expect(await ledger.billingEntities.update(org.id, gmbh.id, changed)).toMatchObject({ ...changed, isDefault: false, creditNotePrefix: null })
      await finalize(a.drafts[2]!)
      await finalize(b.drafts[0]!)
      const issued = await Promise.all([...a.drafts, ...b.drafts].map((id) => ledger.invoices.get(org.id, id)))
      // GmbH: 1, 2 under the old prefix (as issued), 3 under the new one; Ltd its own 1.
      expect(issued.map((i) => [i.number, i.displayNumber, i.billingEntityId])).toEqual([
        [1, 'ACME-2026-000001', gmbh.id],
        [2, 'ACME-2026-000002', gmbh.id],
        [3, 'ACME-2027-000003', gmbh.id],
        [1, 'LTD-000001', ltd.id],
      ])
      // No default: customers created from now on are the organisation's.
      expect(await ledger.billingEntities.update(org.id, ltd.id, { isDefault: false })).toMatchObject({ isDefault: false })
      expect((await ledger.customers.create({ now: testNow(), orgId: org.id, externalId: 'later', name: 'Later' })).billingEntityId).toBeNull()
    })

    it("a rating chunk's bulk finalization numbers per issuer too", async () => {
      const { ledger } = t
      const org = await newTestOrg(t.ledger)
      const acme = await ledger.billingEntities.create({ now: testNow(), orgId: org.id, name: 'Acme GmbH', invoicePrefix: 'A/' })
      const a = await customerWithDrafts(ledger, { orgId: org.id, externalId: 'a', billingEntityId: acme.id, count: 2 })
      const c = await customerWithDrafts(ledger, { orgId: org.id, externalId: 'c', billingEntityId: null, count: 2 })
      await ledger.invoices.finalize(org.id, c.drafts[0]!, NOW)
      const chunk = [a, c].map((x) => ({ orgId: org.id, id: x.contractId }))
      const answers = await ledger.invoiceDrafts.withContractLocks(chunk, async (batch) => {
        const out: Invoice[] = []
        for (const x of [a, c]) {
          const session = batch.session(x.contractId)
          for (const id of x.drafts.filter((d) => d !== c.drafts[0])) out.push(await session.finalize(id, NOW))
        }
        return out
      })
      expect(answers.map((i) => [i.number, i.displayNumber])).toEqual([
        [1, 'A/000001'],
        [2, 'A/000002'],
        [2, null],
      ])
      const stored = await Promise.all([...a.drafts, c.drafts[1]!].map((id) => ledger.invoices.get(org.id, id)))
      expect(stored.map((i) => [i.number, i.displayNumber, i.billingEntityId])).toEqual([
        [1, 'A/000001', acme.id],
        [2, 'A/000002', acme.id],
        [2, null, null],
      ])
    })
  })
}
