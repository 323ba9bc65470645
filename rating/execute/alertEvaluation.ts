// The alert job's pass: every live alert is measured as of the clock and fired when over its
// threshold (ledger/alerts/alerts.ts `fire`: once per alert and period, with its alert.fired
// webhook). usage: the metric's quantity on the contract's upcoming invoice (the current
// period's usage so far, rated by the run's own path, previewInvoice.ts), ≥ threshold; spend:
// that invoice's total before prepaid credits, ≥ threshold; both for the period of that
// invoice's billing date. credit_balance: the customer's grants' balance, < threshold, for the
// clock's UTC month. The table and a worked example: README.md "Alerts".
//
// An alert that cannot be measured (its contract ended, a metric run fails) is logged and the
// others still run.
import type { Alert, AlertRepository } from '../../ledger/alertStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { Dec } from '../../platform/decimal.ts'
import type { Logger } from '../../platform/logger.ts'
import { previewContractInvoice, type PreviewDeps } from './previewInvoice.ts'

export interface AlertEvaluationDeps {
  alerts: AlertRepository
  preview: PreviewDeps
  clock: Clock
  logger: Logger
  /** Only this organisation's alerts (an API request); default every organisation's (the job). */
  orgId?: string
}

interface Measure {
  value: string
  period: string
  over: boolean
  detail: Record<string, string>
}

async function measure(deps: AlertEvaluationDeps, alert: Alert, asOf: Date): Promise<Measure> {
  const threshold = new Dec(alert.threshold)
  if (alert.kind === 'credit_balance') {
    const balance = await deps.alerts.creditBalance(alert)
    return { value: balance, period: asOf.toISOString().slice(0, 7), over: new Dec(balance).lessThan(threshold), detail: { currency: alert.currency! } }
  }
  const preview = await previewContractInvoice(deps.preview, { orgId: alert.orgId, contractId: alert.contractId!, asOf })
  const period = preview.scheduled.billingDate
  if (alert.kind === 'spend') {
    // What the period costs, prepaid credits not taken off: a customer paying with credits spends
    // too (the credit balance alert watches the credits).
    const spent = preview.priced.creditDraws.reduce((acc, d) => acc.plus(d.drawn), new Dec(preview.priced.total))
    const minor = (await deps.preview.ledger.currencies.table(alert.orgId)).minorUnits(preview.contract.currency) ?? 0
    const value = spent.toFixed(minor)
    return { value, period, over: spent.greaterThanOrEqualTo(threshold), detail: { currency: preview.contract.currency } }
  }
  const quantity = preview.priced.lines
    .filter((l) => l.kind === 'usage' && l.metricName === alert.metric)
    .reduce((acc, l) => acc.plus(l.quantity), new Dec(0))
    .toFixed()
  return { value: quantity, period, over: new Dec(quantity).greaterThanOrEqualTo(threshold), detail: {} }
}

/** One pass over every live alert; how many were measured and how many fired now. */
export async function evaluateAlerts(deps: AlertEvaluationDeps): Promise<{ evaluated: number; fired: number }> {
  const asOf = deps.clock.now()
  let evaluated = 0
  let fired = 0
  for (const alert of await deps.alerts.active(deps.orgId)) {
    try {
      const m = await measure(deps, alert, asOf)
      evaluated++
      if (m.over && (await deps.alerts.fire(alert, { period: m.period, value: m.value, at: asOf, detail: m.detail }))) fired++
    } catch (err) {
      deps.logger.error({ alertId: alert.id, err: (err as Error).message }, 'alert not evaluated')
    }
  }
  if (fired > 0) deps.logger.info({ evaluated, fired }, 'alerts fired')
  return { evaluated, fired }
}
