// The accounting invariants under random lifecycles, through the real ledger (DESIGN invariant
// 6; issue 14's proof). A seeded generator (deterministic: the same seed, the same run) drives
// invoices in USD, EUR, JPY (0 decimals) and KWD (3) with seats billed in advance over a
// service period (deferred), usage in arrears, discounts, credits drawn and late-usage
// adjustments; finalizes them, pays part, credits lines, voids and reissues, closes months and
// lets time pass. After every step it checks:
// 1. the trial balance is zero per currency;
// 2. AR per currency = Σ (total − payments − credit notes) of finalized and paid invoices;
// 3. per invoice, deferred + recognised (accounts 2100 and 4000, only seats post there) =
//    billed − credited of its deferred lines, and deferred = its schedules' unrecognised lines
//    (void invoices: every account back at zero);
// 4. no posted entry or line changed (every row seen before is still there, the same).
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { Dec } from '../../platform/decimal.ts'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { queryRows } from '../../platform/postgres/queryRows.ts'
import { closePeriod } from './closePeriod.ts'
import { usePostingLedger, type LineSpec } from './postingFixture.ts'

const CURRENCIES = [
  { code: 'USD', minor: 2 },
  { code: 'EUR', minor: 2 },
  { code: 'JPY', minor: 0 },
  { code: 'KWD', minor: 3 },
] as const

/** mulberry32: a small deterministic generator. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface ModelInvoice {
  id: string
  billingDate: string
  currency: string
  minor: number
  status: 'finalized' | 'paid' | 'void'
  due: Dec
  creditable: Dec
  paid: boolean
  lines: { id: string; left: Dec }[]
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
const addMonths = (date: string, months: number) => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCMonth(d.getUTCMonth() + months)
  return d.toISOString().slice(0, 10)
}
const nextMonth = (period: string) => addMonths(`${period}-01`, 1).slice(0, 7)

export function describeLifecycleProperty(name: string, openHandle: () => Promise<DatabaseHandle>, opts: { seed: number; steps: number }): void {
  describe(`accounting invariants under random lifecycles: ${name}`, () => {
    const t = usePostingLedger(openHandle)

    async function checkInvariants(seen: Map<string, string>, step: string): Promise<void> {
      const db = t.handle.db
      const orgId = t.f.orgId
      const tb = await t.ledger.journals.trialBalance(orgId, '2099-12-31')
      const perCurrency = new Map<string, Dec>()
      for (const r of tb) perCurrency.set(r.currency, (perCurrency.get(r.currency) ?? new Dec(0)).plus(r.balance))
      for (const [currency, sum] of perCurrency) expect(sum.toFixed(), `${step}: trial balance in ${currency}`).toBe('0')

      const open = await queryRows<{ currency: string; due: string }>(
        db,
        sql`select i.currency, sum(i.total - coalesce((select sum(p.amount) from payments p where p.invoice_id = i.id), 0)
              - coalesce((select sum(n.total) from credit_notes n where n.invoice_id = i.id), 0))::text as due
            from invoices i where i.org_id = ${orgId} and i.status in ('finalized', 'paid') group by i.currency`,
      )
      for (const c of CURRENCIES) {
        const ar = tb.find((r) => r.account === '1100' && r.currency === c.code)?.balance ?? '0'
        const due = open.find((o) => o.currency === c.code)?.due ?? '0'
        expect(new Dec(ar).minus(due).toFixed(), `${step}: AR in ${c.code} ${ar} vs open ${due}`).toBe('0')
      }

      const perInvoice = await queryRows<{ invoice_id: string; status: string; account: string; net: string }>(
        db,
        sql`select l.invoice_id, i.status, l.account_code as account, sum(l.credit - l.debit)::text as net
            from journal_lines l join invoices i on i.id = l.invoice_id where l.org_id = ${orgId} group by l.invoice_id, i.status, l.account_code`,
      )
      const deferredBilled = await queryRows<{ invoice_id: string; billed: string; credited: string }>(
        db,
        sql`select il.invoice_id, sum(il.amount)::text as billed,
              coalesce(sum((select sum(cl.amount) from credit_note_lines cl where cl.invoice_line_id = il.id)), 0)::text as credited
            from invoice_lines il join revenue_schedules s on s.invoice_line_id = il.id where il.org_id = ${orgId} group by il.invoice_id`,
      )
      const unrecognised = await queryRows<{ invoice_id: string; amount: string }>(
        db,
        sql`select s.invoice_id, coalesce(sum(sl.amount) filter (where sl.journal_entry_id is null), 0)::text as amount
            from revenue_schedules s join revenue_schedule_lines sl on sl.schedule_id = s.id where s.org_id = ${orgId} group by s.invoice_id`,
      )
      const net = (invoiceId: string, account: string) => new Dec(perInvoice.find((r) => r.invoice_id === invoiceId && r.account === account)?.net ?? '0')
      for (const d of deferredBilled) {
        const status = perInvoice.find((r) => r.invoice_id === d.invoice_id)?.status
        if (status === 'void') continue
        const deferred = net(d.invoice_id, '2100')
        const recognised = net(d.invoice_id, '4000')
        expect(deferred.plus(recognised).toFixed(), `${step}: invoice ${d.invoice_id} deferred ${deferred} + recognised ${recognised}`).toBe(
          new Dec(d.billed).minus(d.credited).toFixed(),
        )
        const pending = unrecognised.find((u) => u.invoice_id === d.invoice_id)?.amount ?? '0'
        expect(deferred.minus(pending).toFixed(), `${step}: invoice ${d.invoice_id} deferred vs unrecognised schedule lines`).toBe('0')
      }
      for (const r of perInvoice.filter((x) => x.status === 'void'))
        expect(new Dec(r.net).toFixed(), `${step}: void invoice ${r.invoice_id} on ${r.account}`).toBe('0')

      const entries = await queryRows<{ id: string }>(db, sql`select * from journal_entries where org_id = ${orgId}`)
      const lines = await queryRows<{ id: string }>(db, sql`select * from journal_lines where org_id = ${orgId}`)
      const now = new Map([...entries, ...lines].map((r) => [r.id, JSON.stringify(r)]))
      for (const [id, row] of seen) expect(now.get(id), `${step}: posted row ${id} changed`).toBe(row)
      for (const [id, row] of now) seen.set(id, row)
    }

    it(`holds after each of ${opts.steps} seeded steps (seed ${opts.seed})`, async () => {
      const rnd = random(opts.seed)
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
      const money = (minor: number, maxUnits: number) => new Dec(1 + Math.floor(rnd() * maxUnits * 10 ** minor)).dividedBy(10 ** minor)
      const seen = new Map<string, string>()
      const invoices: ModelInvoice[] = []
      let today = '2024-01-05'
      let firstOpen = '2024-01'
      let billing = '2020-01-01'
      const at = (date: string) => new Date(`${date}T12:00:00Z`)

      const issue = async (replaces?: ModelInvoice) => {
        const { code, minor } = replaces ? { code: replaces.currency, minor: replaces.minor } : pick(CURRENCIES)
        const specs: LineSpec[] = []
        const seats = 1 + Math.floor(rnd() * 2)
        for (let i = 0; i < seats; i++) {
          const start = addDays(today, -Math.floor(rnd() * 40))
          specs.push({
            kind: 'flat_fee',
            timing: 'in_advance',
            amount: money(minor, 500).toFixed(minor),
            period: [start, addDays(addMonths(start, 1 + Math.floor(rnd() * 4)), Math.floor(rnd() * 20))],
          })
        }
        if (rnd() < 0.7)
          specs.push({
            kind: 'usage',
            timing: 'in_arrears',
            amount: money(minor, 300).toFixed(minor),
            metric: 'api_calls',
            period: [addMonths(today, -1), today],
          })
        if (rnd() < 0.3) specs.push({ kind: 'discount', timing: 'invoice', amount: money(minor, 20).negated().toFixed(minor) })
        if (rnd() < 0.3) specs.push({ kind: 'credit', timing: 'invoice', amount: money(minor, 20).negated().toFixed(minor) })
        if (rnd() < 0.3)
          specs.push({
            kind: 'adjustment',
            timing: 'adjustment',
            amount: money(minor, 30)
              .times(rnd() < 0.5 ? 1 : -1)
              .toFixed(minor),
            metric: 'api_calls',
          })
        const total = specs.reduce<Dec>((acc, s) => acc.plus(s.amount), new Dec(0))
        const billingDate = replaces?.billingDate ?? (billing = addDays(billing, 1))
        const id = await t.f.draft({ billingDate, currency: code, total: total.toFixed(minor), lines: specs, ...(replaces ? { replaces: replaces.id } : {}) })
        await t.ledger.invoices.finalize(t.f.orgId, id, at(today))
        const lines = (await t.ledger.invoices.lines(t.f.orgId, id))
          .filter((l) => new Dec(l.amount).greaterThan(0))
          .map((l) => ({ id: l.id, left: new Dec(l.amount) }))
        invoices.push({ id, billingDate, currency: code, minor, status: 'finalized', due: total, creditable: total, paid: false, lines })
        return `issue ${code} ${total.toFixed(minor)}${replaces ? ` reissuing ${replaces.id}` : ''}`
      }

      const actions: [number, () => Promise<string | null>][] = [
        [4, () => issue()],
        [
          3,
          async () => {
            const inv = invoices.filter((i) => i.status === 'finalized' && i.due.greaterThan(0))
            if (inv.length === 0) return null
            const i = pick(inv)
            const amount = Dec.min(i.due, money(i.minor, 300))
            await t.ledger.payments.record({
              orgId: t.f.orgId,
              invoiceId: i.id,
              amount: amount.toFixed(i.minor),
              paidOn: today,
              method: 'card',
              now: at(today),
            })
            i.due = i.due.minus(amount)
            i.paid = true
            if (i.due.isZero()) i.status = 'paid'
            return `pay ${amount.toFixed(i.minor)} ${i.currency}`
          },
        ],
        [
          3,
          async () => {
            const inv = invoices.filter((i) => i.status !== 'void' && i.creditable.greaterThan(0) && i.lines.some((l) => l.left.greaterThan(0)))
            if (inv.length === 0) return null
            const i = pick(inv)
            const line = pick(i.lines.filter((l) => l.left.greaterThan(0)))
            const amount = Dec.min(line.left, i.creditable, money(i.minor, 200))
            if (!amount.greaterThan(0)) return null
            await t.ledger.creditNotes.create({
              orgId: t.f.orgId,
              invoiceId: i.id,
              reason: 'order_change',
              lines: [{ invoiceLineId: line.id, amount: amount.toFixed(i.minor) }],
              now: at(today),
            })
            line.left = line.left.minus(amount)
            i.creditable = i.creditable.minus(amount)
            i.due = i.due.minus(amount)
            if (i.status === 'finalized' && !i.due.greaterThan(0)) i.status = 'paid'
            return `credit ${amount.toFixed(i.minor)} ${i.currency}`
          },
        ],
        [
          2,
          async () => {
            const inv = invoices.filter((i) => i.status === 'finalized' && !i.paid)
            if (inv.length === 0) return null
            const i = pick(inv)
            await t.ledger.invoices.void(t.f.orgId, i.id, 'property test', at(today))
            i.status = 'void'
            return rnd() < 0.6 ? `void, then ${await issue(i)}` : `void ${i.id}`
          },
        ],
        [
          2,
          async () => {
            if (today < `${nextMonth(firstOpen)}-01`) return null
            const summary = await closePeriod({ db: t.handle.db }, { orgId: t.f.orgId, period: firstOpen, at: at(today) })
            const again = await closePeriod({ db: t.handle.db }, { orgId: t.f.orgId, period: firstOpen, at: at(today) })
            expect(again).toEqual({ ...summary, alreadyClosed: true })
            firstOpen = nextMonth(firstOpen)
            return `close ${summary.period}: ${summary.recognisedLines} lines`
          },
        ],
        [
          3,
          async () => {
            today = addDays(today, 1 + Math.floor(rnd() * 20))
            return `today ${today}`
          },
        ],
      ]
      const weights = actions.reduce((n, [w]) => n + w, 0)
      for (let step = 0; step < opts.steps; step++) {
        let r = rnd() * weights
        const action = actions.find(([w]) => (r -= w) < 0)![1]
        const done = await action()
        if (done !== null) await checkInvariants(seen, `step ${step} (${done})`)
      }
      expect(invoices.length).toBeGreaterThan(5)
      expect(firstOpen > '2024-03').toBe(true)
    })
  })
}
