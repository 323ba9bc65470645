// Seeded random invoices through the posting rules: every entry balances, AR holds the total,
// deferred revenue holds exactly what the schedules will recognise, and a void after any number
// of recognitions leaves every account at zero.
import { describe, expect, it } from 'vitest'
import { isoCurrencies } from '../../../platform/currency.ts'
import { Dec } from '../../../platform/decimal.ts'
import { assertBalanced, type PostingContext } from './balancedEntry.ts'
import { chartResolver, DEFAULT_CHART } from './chartOfAccounts.ts'
import type { JournalEntryDraft } from './journalDraft.ts'
import { deferredSchedule, planLine, type InvoiceLineForPosting } from './lineAccounts.ts'
import { postInvoice, postScheduleLine, postVoid } from './postingRules.ts'

const ctx: PostingContext = { chart: chartResolver(DEFAULT_CHART), currencies: isoCurrencies }

// mulberry32: deterministic, so a failure reproduces.
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function net(entries: readonly JournalEntryDraft[], account: string): Dec {
  return entries
    .flatMap((e) => e.lines)
    .filter((l) => l.account === account)
    .reduce((acc, l) => (l.side === 'debit' ? acc.plus(l.amount) : acc.minus(l.amount)), new Dec(0))
}

describe('posting rules on seeded random invoices', () => {
  const next = rng(1414)
  const int = (n: number) => Math.floor(next() * n)
  const KINDS = ['usage', 'flat_fee', 'discount', 'credit', 'prepayment', 'prepaid_drawdown', 'minimum_commitment', 'maximum_spend', 'rounding', 'adjustment']
  const TIMINGS = ['in_advance', 'in_arrears', 'adjustment', 'invoice'] as const

  it('balance, put the total in AR, defer what the schedules recognise, and void to zero', () => {
    for (let i = 0; i < 300; i++) {
      const currency = ['USD', 'JPY', 'KWD'][int(3)]!
      const minorUnits = isoCurrencies.minorUnits(currency)!
      const money = () => new Dec(int(2_000_000) - 400_000).dividedBy(new Dec(10).pow(minorUnits)).toFixed(minorUnits)
      const lines: InvoiceLineForPosting[] = Array.from({ length: 1 + int(6) }, (_, n) => {
        const start = `2024-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}`
        const withPeriod = int(4) > 0
        return {
          id: `l${n}`,
          timing: TIMINGS[int(4)]!,
          kind: KINDS[int(KINDS.length)]!,
          amount: money(),
          description: 'random',
          productId: int(2) ? `p${int(3)}` : null,
          metered: int(2) === 0,
          periodStart: withPeriod ? start : null,
          periodEnd: withPeriod ? `2025-${String(1 + int(12)).padStart(2, '0')}-01` : null,
        }
      })
      const tax = int(2) ? money().replace('-', '') : undefined
      const doc = { orgId: 'o', id: `inv${i}`, number: i, customerId: 'c', contractId: 'k', currency, postedOn: '2024-12-31', lines, tax }
      const entry = postInvoice(doc, ctx)
      const where = JSON.stringify(doc)
      if (entry === null) {
        expect(lines.every((l) => new Dec(l.amount).isZero()) && new Dec(tax ?? '0').isZero(), where).toBe(true)
        continue
      }
      assertBalanced(entry)
      const total = lines.reduce((acc, l) => acc.plus(l.amount), new Dec(tax ?? '0'))
      expect(net([entry], '1100').equals(total), where).toBe(true)

      const recognitions: JournalEntryDraft[] = []
      let scheduled = new Dec(0)
      for (const line of lines) {
        const schedule = deferredSchedule(line, minorUnits)
        if (schedule === null) continue
        scheduled = scheduled.plus(schedule.reduce((acc, s) => acc.plus(s.amount), new Dec(0)))
        const plan = planLine(line)
        for (const s of schedule.slice(0, int(schedule.length + 1))) {
          const posted = postScheduleLine(
            {
              orgId: 'o',
              scheduleId: `${doc.id}:${line.id}`,
              invoiceId: doc.id,
              customerId: 'c',
              contractId: 'k',
              productId: line.productId,
              currency,
              revenueKind: plan.revenueKind!,
              line: s,
            },
            ctx,
          )
          if (posted) recognitions.push(posted)
        }
      }
      expect(net([entry], '2100').negated().equals(scheduled), where).toBe(true)

      const voided = postVoid(doc, { invoiceEntry: entry, recognitions, postedOn: '2025-01-15' }, ctx)
      const all = [entry, ...recognitions, ...(voided ? [voided] : [])]
      for (const account of DEFAULT_CHART.map((a) => a.code)) expect(net(all, account).isZero(), `${account} ${where}`).toBe(true)
    }
  })
})
