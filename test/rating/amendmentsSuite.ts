// Contract amendments end to end over HTTP on a whole embedded Tally (chDB, the given Postgres),
// issue 17: an upgrade inside a January billed in advance, previewed then applied, prorated on
// February's invoice (bug 6: the 154.84 no invoice billed); terminations with and without
// proration; a future phase edited and deleted; the end date changed; each amendment versioned
// and audited; a change no open invoice can prorate refused with nothing written. The app's
// clock is pinned to 2026-01-20 (today in every contract's UTC zone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { type Harness, openHarness, seed } from '../support/tallyHarness.ts'

type Line = { kind: string; amount: string; timing: string; period_start: string | null; period_end: string | null }
type InvoiceJson = { id: string; billing_date: string; status: string; total: string }

export function describeAmendmentsSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`contract amendments over HTTP: ${name}`, () => {
    let h: Harness
    let platform = ''
    const fee = (amount: string) => ({ product_id: platform, billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount } })
    const contract = async (customer: string, phases: { start_date: string; items: unknown[] }[]) => {
      const res = await h.json('POST', '/v1/contracts', {
        body: { customer, currency: 'USD', start_date: '2026-01-01', cadence: 'monthly', backdated_invoices: 'finalize', phases },
      })
      if (res.status !== 201) throw new Error(`contract: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body.id as string
    }
    const run = (id: string, asOf: string) => h.json('POST', '/v1/rating/runs', { body: { as_of: asOf, contract_id: id } })
    const invoiceOf = async (id: string, billingDate: string) =>
      ((await h.json('GET', `/v1/invoices?contract_id=${id}`)).body.data as InvoiceJson[]).find((i) => i.billing_date === billingDate)
    const prorations = (lines: Line[]) => lines.filter((l) => l.kind === 'proration').map((l) => [l.amount, l.period_start, l.period_end])
    const amendments = async (id: string) => (await h.json('GET', `/v1/contracts/${id}/amendments`)).body.data

    beforeAll(async () => {
      h = await openHarness(await env(), { clock: fixedClock('2026-01-20T00:00:00Z') })
      await seed(h, { rawMetrics: ['api_calls'], customers: ['acme', 'globex', 'initech', 'umbrella'] })
      platform = (await h.json('POST', '/v1/products', { body: { name: 'Platform', kind: 'non_metered' } })).body.id
    })
    afterAll(async () => {
      await h?.close()
    })

    describe('upgrade mid-period: 100.00 → 400.00 from January 16th, January billed in advance', () => {
      let id = ''
      const upgrade = { start_date: '2026-01-16', items: [] as unknown[] }
      it('the preview shows February 1st with the proration, and writes nothing', async () => {
        upgrade.items = [fee('400.00')]
        id = await contract('acme', [{ start_date: '2026-01-01', items: [fee('100.00')] }])
        // As of January 5th the invoice dated the 1st is past its grace: finalized, 100.00 for January.
        expect((await run(id, '2026-01-05T00:00:00Z')).body).toMatchObject({ invoices: { created: 1, finalized: 1 } })
        const before = (await h.json('GET', `/v1/contracts/${id}`)).body
        const preview = await h.json('POST', `/v1/contracts/${id}/amendments/preview`, { body: { kind: 'phase_added', ...upgrade } })
        expect(preview.status).toBe(200)
        expect(preview.body.after.phases.map((p: { start_date: string }) => p.start_date)).toEqual(['2026-01-01', '2026-01-16'])
        // January 16th to February 1st is 16 of January's 31 days:
        //   credit 100.00 × 16/31 = 51.6129… → −51.61; charge 400.00 × 16/31 = 206.4516… → 206.45; net 154.84.
        // February in advance at the new price: 400.00. Total 400.00 + 206.45 − 51.61 = 554.84.
        expect(preview.body.invoice).toMatchObject({ billing_date: '2026-02-01', total: '554.84' })
        expect(prorations(preview.body.invoice.lines)).toEqual([
          ['-51.61', '2026-01-16', '2026-02-01'],
          ['206.45', '2026-01-16', '2026-02-01'],
        ])
        expect((await h.json('GET', `/v1/contracts/${id}`)).body).toEqual(before)
        expect(await amendments(id)).toEqual([])
      })

      it('applied, it is amendment version 1 (who, when, before and after); February 1st bills it: 554.84, re-derived by explain', async () => {
        const added = await h.json('POST', `/v1/contracts/${id}/phases`, { body: upgrade })
        expect(added.status).toBe(200)
        const [amendment] = await amendments(id)
        expect(amendment).toMatchObject({ version: 1, kind: 'phase_added', at: '2026-01-20T00:00:00.000Z', request: upgrade })
        expect(amendment.actor).toMatch(/^(api_key:.+|admin)$/)
        expect(amendment.before.phases).toHaveLength(1)
        expect(amendment.after.phases).toHaveLength(2)
        await run(id, '2026-02-05T00:00:00Z')
        const february = await invoiceOf(id, '2026-02-01')
        expect(february).toMatchObject({ status: 'finalized', total: '554.84' })
        const lines = (await h.json('GET', `/v1/invoices/${february!.id}`)).body.lines as Line[]
        expect(prorations(lines)).toEqual([
          ['-51.61', '2026-01-16', '2026-02-01'],
          ['206.45', '2026-01-16', '2026-02-01'],
        ])
        const explained = (await h.json('GET', `/v1/invoices/${february!.id}/explain`)).body
        expect(explained.rederived).toEqual({ total: '554.84', matches: true })
        expect(explained.prorations.map((p: { direction: string; amount: string }) => [p.direction, p.amount])).toEqual([
          ['credit', '-51.61'],
          ['charge', '206.45'],
        ])
        // March bills 400.00 in advance and nothing more: January was settled on February's invoice.
        await run(id, '2026-03-05T00:00:00Z')
        expect(await invoiceOf(id, '2026-03-01')).toMatchObject({ total: '400.00' })
      })

      it('a change of January once February 1st is final too is 422 phase_in_billed_period, and nothing changes', async () => {
        const before = (await h.json('GET', `/v1/contracts/${id}`)).body
        const res = await h.json('POST', `/v1/contracts/${id}/phases`, { body: { start_date: '2026-01-10', items: [fee('250.00')] } })
        expect(res.status).toBe(422)
        expect(res.body.error).toMatchObject({ code: 'phase_in_billed_period', details: [{ field: 'start_date', code: 'phase_in_billed_period' }] })
        expect(res.body.error.hint).toContain('void')
        expect((await h.json('GET', `/v1/contracts/${id}`)).body).toEqual(before)
        expect(await amendments(id)).toHaveLength(1)
      })
      it('January voided and reissued after February 1st prorated it bills 100.00 again, not the upgrade twice', async () => {
        const january = await invoiceOf(id, '2026-01-01')
        expect((await h.json('POST', `/v1/invoices/${january!.id}/void`, { body: { reason: 'wrong address' } })).status).toBe(200)
        const reissued = await h.json('POST', `/v1/invoices/${january!.id}/reissue`)
        // At the amended prices January is 100.00 × 15/31 = 48.39 plus 400.00 × 16/31 = 206.45 = 254.84; February 1st
        // already billed −51.61 + 206.45 = 154.84 of it, taken off: 254.84 − 154.84 = 100.00, what the void invoice billed.
        expect(reissued.body).toMatchObject({ status: 'draft', total: '100.00' })
        const explained = (await h.json('GET', `/v1/invoices/${reissued.body.id}/explain`)).body
        expect(explained.rederived).toEqual({ total: '100.00', matches: true })
      })
    })

    it('terminate on January 21st with proration: 310.00 billed for January, 11 unused days credited (−110.00)', async () => {
      const id = await contract('globex', [{ start_date: '2026-01-01', items: [fee('310.00')] }])
      await run(id, '2026-01-05T00:00:00Z')
      const res = await h.json('POST', `/v1/contracts/${id}/terminate`, { body: { at: '2026-01-21' } })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ end_date: '2026-01-21', renewal: 'end', end_proration: 'prorate' })
      const [amendment] = await amendments(id)
      expect(amendment).toMatchObject({ version: 1, kind: 'terminate', after: { end_date: '2026-01-21', renewal: 'end', end_proration: 'prorate' } })
      await run(id, '2026-02-05T00:00:00Z')
      // January 21st to February 1st: 11 of 31 days, 310.00 × 11/31 = 110.00 credited; nothing else is billed.
      const february = await invoiceOf(id, '2026-02-01')
      expect(february).toMatchObject({ total: '-110.00' })
      expect(prorations((await h.json('GET', `/v1/invoices/${february!.id}`)).body.lines)).toEqual([['-110.00', '2026-01-21', '2026-02-01']])
    })

    it('terminate now without proration: billing stops today and January stays billed in full', async () => {
      const id = await contract('initech', [{ start_date: '2026-01-01', items: [fee('310.00')] }])
      await run(id, '2026-01-05T00:00:00Z')
      const res = await h.json('POST', `/v1/contracts/${id}/terminate`, { body: { at: 'now', proration: 'none' } })
      expect(res.body).toMatchObject({ end_date: '2026-01-20', renewal: 'end', end_proration: 'none' })
      await run(id, '2026-02-05T00:00:00Z')
      expect(await invoiceOf(id, '2026-02-01')).toBeUndefined()
      expect(await invoiceOf(id, '2026-01-01')).toMatchObject({ total: '310.00' })
    })

    it('a future phase edited then deleted, the end date changed: versions 1 to 3; a phase in force is 422 phase_not_future', async () => {
      const id = await contract('umbrella', [
        { start_date: '2026-01-01', items: [fee('100.00')] },
        { start_date: '2026-03-01', items: [fee('300.00')] },
      ])
      const edited = await h.json('PATCH', `/v1/contracts/${id}/phases/2026-03-01`, { body: { items: [fee('250.00')] } })
      expect(edited.status).toBe(200)
      expect(edited.body.phases[1].items[0].price.amount).toBe('250.00')
      const inForce = await h.json('DELETE', `/v1/contracts/${id}/phases/2026-01-01`)
      expect(inForce.status).toBe(422)
      expect(inForce.body.error).toMatchObject({ code: 'phase_not_future', details: [{ field: 'start' }] })
      const missing = await h.json('DELETE', `/v1/contracts/${id}/phases/2026-04-01`)
      expect(missing).toMatchObject({ status: 404, body: { error: { code: 'phase_not_found' } } })
      expect((await h.json('DELETE', `/v1/contracts/${id}/phases/2026-03-01`)).body.phases).toHaveLength(1)
      const ended = await h.json('PATCH', `/v1/contracts/${id}`, { body: { end_date: '2026-07-01', renewal: 'end' } })
      expect(ended.body).toMatchObject({ end_date: '2026-07-01', renewal: 'end' })
      const badDate = await h.json('PATCH', `/v1/contracts/${id}`, { body: { end_date: '2026-02-30' } })
      expect(badDate).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
      const list = await amendments(id)
      expect(list.map((a: { version: number; kind: string }) => [a.version, a.kind])).toEqual([
        [1, 'phase_edited'],
        [2, 'phase_deleted'],
        [3, 'end_date'],
      ])
      expect(list[2].before).toMatchObject({ end_date: null, renewal: 'auto_renew' })
    })

    it('two amendments at once get versions 4 and 5 (the contract lock); terminate at period_end ends on February 1st', async () => {
      const id = (await h.json('GET', '/v1/contracts?customer=umbrella')).body.data[0].id as string
      const both = await Promise.all([
        h.json('PATCH', `/v1/contracts/${id}`, { body: { end_date: '2026-08-01' } }),
        h.json('PATCH', `/v1/contracts/${id}`, { body: { end_date: '2026-09-01' } }),
      ])
      expect(both.map((r) => r.status)).toEqual([200, 200])
      const ended = await h.json('POST', `/v1/contracts/${id}/terminate`, { body: { at: 'period_end' } })
      // Today is January 20th: the current period is January, which ends on February 1st.
      expect(ended.body).toMatchObject({ end_date: '2026-02-01', renewal: 'end' })
      expect((await amendments(id)).map((a: { version: number }) => a.version)).toEqual([1, 2, 3, 4, 5, 6])
    })

    it('deleting a future phase inside a quarter billed in advance is prorated too: −206.67 + 103.33 on April 1st', async () => {
      const res = await h.json('POST', '/v1/contracts', {
        body: {
          customer: 'initech',
          currency: 'USD',
          start_date: '2026-01-01',
          cadence: 'quarterly',
          backdated_invoices: 'finalize',
          phases: [
            { start_date: '2026-01-01', items: [fee('300.00')] },
            { start_date: '2026-03-01', items: [fee('600.00')] },
          ],
        },
      })
      const id = res.body.id as string
      await run(id, '2026-01-05T00:00:00Z')
      // The first quarter (90 days) billed in advance on January 1st: 300.00 × 59/90 = 196.67 and 600.00 × 31/90 = 206.67.
      expect(await invoiceOf(id, '2026-01-01')).toMatchObject({ total: '403.34' })
      expect((await h.json('DELETE', `/v1/contracts/${id}/phases/2026-03-01`)).status).toBe(200)
      await run(id, '2026-04-05T00:00:00Z')
      // March's 31 days: credit 600.00 × 31/90 = 206.666… → −206.67, charge 300.00 × 31/90 = 103.333… → 103.33;
      // with the second quarter at 300.00: 300.00 − 206.67 + 103.33 = 196.66.
      const april = await invoiceOf(id, '2026-04-01')
      expect(april).toMatchObject({ total: '196.66' })
      expect(prorations((await h.json('GET', `/v1/invoices/${april!.id}`)).body.lines)).toEqual([
        ['-206.67', '2026-03-01', '2026-04-01'],
        ['103.33', '2026-03-01', '2026-04-01'],
      ])
    })
  })
}
