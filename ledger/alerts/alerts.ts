// An organisation's alerts and their firings. What an alert watches is checked when it is
// stored (its customer, its contract being the customer's, its metric, its currency, a threshold
// above zero), so the evaluation job never meets one it cannot read. `fire` records a firing and
// queues its `alert.fired` webhook in one transaction; the firing is unique per alert and
// period, so an alert evaluated every few minutes fires once per threshold crossing per period.
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm'
import { Dec } from '../../platform/decimal.ts'
import { isDecimalText } from '../../platform/decimalText.ts'
import { NotFoundError, UnprocessableError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { grantBalance, grantDraws, grantEntries } from '../creditGrantBalances.ts'
import { createCurrencyRepository } from '../currencies.ts'
import { assertOrgId, isUuid, toIso } from '../ids.ts'
import { alertFirings, alerts, type AlertKind } from '../schema/alerts.ts'
import { billableMetrics } from '../schema/billableMetrics.ts'
import { contracts } from '../schema/contracts.ts'
import { creditGrants } from '../schema/creditGrants.ts'
import { customers } from '../schema/customers.ts'
import { queueWebhookEventIn, subscriptionsIn } from '../webhooks/webhookOutboxWrites.ts'

export interface Alert {
  id: string
  orgId: string
  kind: AlertKind
  name: string | null
  /** The customer's external id. */
  customer: string
  customerId: string
  contractId: string | null
  metric: string | null
  currency: string | null
  threshold: string
  createdAt: string
  /** Most recent first (at most 10 in a list). */
  firings: { period: string; value: string; firedAt: string }[]
}

export interface CreateAlertInput {
  orgId: string
  kind: AlertKind
  name: string | null
  customer: string
  contractId: string | null
  metric: string | null
  currency: string | null
  threshold: string
  now: Date
}

export interface AlertRepository {
  /** 404 `customer_not_found`, `contract_not_found`; 422 `contract_required`, `contract_not_of_customer`, `metric_required`, `billable_metric_not_found`, `invalid_currency`, `invalid_threshold`. */
  create(input: CreateAlertInput): Promise<Alert>
  list(orgId: string): Promise<Alert[]>
  /** 404 `alert_not_found`. */
  remove(orgId: string, id: string, now: Date): Promise<void>
  /** Every live alert of the organisation, or of every organisation (the evaluation job). */
  active(orgId?: string): Promise<Alert[]>
  /** Records the firing and queues `alert.fired`, unless it fired in this period already; whether it fired now. */
  fire(alert: Alert, firing: { period: string; value: string; at: Date; detail: Record<string, string> }): Promise<boolean>
  /** The customer's credit balance in a currency: its active grants' balances (ledger/README.md "Credit grants"). */
  creditBalance(alert: Alert): Promise<string>
}

const notFound = (id: string) => new NotFoundError('alert_not_found', `no alert ${id} in this organisation`)
const refuse = (field: string, code: string, message: string) => new UnprocessableError(code, message, [{ field, code, message }])

export function createAlertRepository(db: Database): AlertRepository {
  async function load(where: ReturnType<typeof and>, firingsPerAlert: number): Promise<Alert[]> {
    const rows = await db
      .select({ alert: alerts, customer: customers.externalId })
      .from(alerts)
      .innerJoin(customers, eq(customers.id, alerts.customerId))
      .where(and(where, isNull(alerts.deletedAt)))
      .orderBy(asc(alerts.createdAt), asc(alerts.id))
    if (rows.length === 0) return []
    const firings = await db
      .select()
      .from(alertFirings)
      .where(
        inArray(
          alertFirings.alertId,
          rows.map((r) => r.alert.id),
        ),
      )
      .orderBy(desc(alertFirings.firedAt), desc(alertFirings.id))
    return rows.map(({ alert: a, customer }) => ({
      id: a.id,
      orgId: a.orgId,
      kind: a.kind,
      name: a.name,
      customer,
      customerId: a.customerId,
      contractId: a.contractId,
      metric: a.metric,
      currency: a.currency,
      threshold: a.threshold,
      createdAt: toIso(a.createdAt),
      firings: firings
        .filter((f) => f.alertId === a.id)
        .slice(0, firingsPerAlert)
        .map((f) => ({ period: f.period, value: f.value, firedAt: toIso(f.firedAt) })),
    }))
  }

  async function checked(input: CreateAlertInput): Promise<{ customerId: string; currency: string | null }> {
    const [customer] = await db
      .select()
      .from(customers)
      .where(and(eq(customers.orgId, input.orgId), eq(customers.externalId, input.customer)))
    if (customer === undefined) throw new NotFoundError('customer_not_found', `customer ${input.customer} does not exist`)
    if (!isDecimalText(input.threshold) || !new Dec(input.threshold).greaterThan(0))
      throw refuse('threshold', 'invalid_threshold', `a threshold is a decimal string above zero, got ${input.threshold}`)
    if (input.kind === 'credit_balance') {
      const currency = input.currency ?? customer.currency
      if ((await createCurrencyRepository(db).table(input.orgId)).minorUnits(currency) === undefined)
        throw refuse('currency', 'invalid_currency', `${currency} is not a currency of this organisation; declare it first (POST /v1/currencies)`)
      return { customerId: customer.id, currency }
    }
    if (input.contractId === null) throw refuse('contract_id', 'contract_required', `a ${input.kind} alert watches one contract: give contract_id`)
    const [contract] = isUuid(input.contractId)
      ? await db
          .select({ customerId: contracts.customerId })
          .from(contracts)
          .where(and(eq(contracts.orgId, input.orgId), eq(contracts.id, input.contractId)))
      : []
    if (contract === undefined) throw new NotFoundError('contract_not_found', `contract ${input.contractId} does not exist`)
    if (contract.customerId !== customer.id)
      throw refuse('contract_id', 'contract_not_of_customer', `contract ${input.contractId} is not a contract of customer ${input.customer}`)
    if (input.kind === 'usage') {
      if (input.metric === null) throw refuse('metric', 'metric_required', 'a usage alert names the billable metric it watches: give metric')
      const [metric] = await db
        .select({ id: billableMetrics.id })
        .from(billableMetrics)
        .where(and(eq(billableMetrics.orgId, input.orgId), eq(billableMetrics.name, input.metric)))
      if (metric === undefined) throw refuse('metric', 'billable_metric_not_found', `billable metric ${input.metric} does not exist`)
    }
    return { customerId: customer.id, currency: null }
  }

  const repo: AlertRepository = {
    async create(input) {
      assertOrgId(input.orgId)
      const { customerId, currency } = await checked(input)
      const [row] = await db
        .insert(alerts)
        .values({
          orgId: input.orgId,
          kind: input.kind,
          name: input.name,
          customerId,
          contractId: input.kind === 'credit_balance' ? null : input.contractId,
          metric: input.kind === 'usage' ? input.metric : null,
          currency,
          threshold: input.threshold,
          createdAt: input.now,
        })
        .returning()
      return (await load(eq(alerts.id, row!.id), 10))[0]!
    },

    async list(orgId) {
      assertOrgId(orgId)
      return load(eq(alerts.orgId, orgId), 10)
    },

    async remove(orgId, id, now) {
      assertOrgId(orgId)
      if (!isUuid(id)) throw notFound(id)
      const removed = await db
        .update(alerts)
        .set({ deletedAt: now })
        .where(and(eq(alerts.orgId, orgId), eq(alerts.id, id), isNull(alerts.deletedAt)))
        .returning({ id: alerts.id })
      if (removed.length === 0) throw notFound(id)
    },

    async active(orgId) {
      return load(orgId === undefined ? undefined : eq(alerts.orgId, orgId), 0)
    },

    async fire(alert, firing) {
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const [inserted] = await tx
          .insert(alertFirings)
          .values({ orgId: alert.orgId, alertId: alert.id, period: firing.period, value: firing.value, detail: firing.detail, firedAt: firing.at })
          .onConflictDoNothing({ target: [alertFirings.alertId, alertFirings.period] })
          .returning({ id: alertFirings.id })
        if (inserted === undefined) return false
        const data = {
          alert: {
            id: alert.id,
            kind: alert.kind,
            name: alert.name,
            customer_id: alert.customer,
            contract_id: alert.contractId,
            metric: alert.metric,
            currency: alert.currency,
            threshold: alert.threshold,
          },
          period: firing.period,
          value: firing.value,
          ...firing.detail,
        }
        await queueWebhookEventIn(tx, await subscriptionsIn(tx, alert.orgId), {
          orgId: alert.orgId,
          type: 'alert.fired',
          subject: `${alert.id}/${firing.period}`,
          at: firing.at,
          data,
        })
        return true
      })
    },

    async creditBalance(alert) {
      const currency = alert.currency!
      const grants = await db
        .select({ id: creditGrants.id })
        .from(creditGrants)
        .where(and(eq(creditGrants.customerId, alert.customerId), eq(creditGrants.currency, currency), eq(creditGrants.status, 'active')))
      const ids = grants.map((g) => g.id)
      const [entries, draws] = await Promise.all([grantEntries(db, ids), grantDraws(db, alert.customerId, ids)])
      const minor = (await createCurrencyRepository(db).table(alert.orgId)).minorUnits(currency) ?? 0
      return ids
        .reduce(
          (acc, id) =>
            acc.plus(
              grantBalance(
                entries.filter((e) => e.grantId === id),
                draws.filter((d) => d.grantId === id),
              ),
            ),
          new Dec(0),
        )
        .toFixed(minor)
    },
  }
  return repo
}
