// Contracts: what one customer buys, at what price, on what schedule. Prices and terms are
// validated against rating/compute by the HTTP layer; this repository owns the structural
// rules (dates, currency, time zone, cadence, phases, products) and plan inheritance.
import { insertError } from './insertError.ts'
import { and, asc, eq, gt, max, ne } from 'drizzle-orm'
import { NotFoundError, UnprocessableError, ValidationError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { normaliseTimeZone, validateCurrency } from './currencyAndTimeZone.ts'
import type { CustomerRepository } from './customers.ts'
import { assertOrgId, isUuid, toIso } from './ids.ts'
import { checkItems, type PlanRepository } from './plans.ts'
import type { ProductRepository } from './products.ts'
import { contracts as table, type ContractOverride, type ContractPhase, type ContractTerms } from './schema/contracts.ts'
import { customers } from './schema/customers.ts'
import { invoices } from './schema/invoices.ts'
import type { ContractItem } from './schema/plans.ts'

export type Cadence = 'monthly' | 'quarterly' | 'annual'
export type Renewal = 'auto_renew' | 'end'

export interface Contract {
  id: string
  orgId: string
  customerId: string
  /** The customer's external id: the `customer_id` its events carry. */
  customerExternalId: string
  planId: string | null
  name: string
  currency: string
  startDate: string
  endDate: string | null
  timeZone: string
  cadence: Cadence
  anchorDay: number
  renewal: Renewal
  netTermsDays: number
  phases: ContractPhase[]
  terms: ContractTerms
  overrides: ContractOverride[]
  createdAt: string
}

/** A contract item as given: prices may be left out when a plan provides them. */
export interface ItemOverride {
  product_id: string
  price?: ContractItem['price']
  billing?: ContractItem['billing']
  quantity?: string
}

export interface CreateContractInput {
  orgId: string
  /** The customer's external id. */
  customer: string
  plan?: string | null
  name?: string
  currency?: string
  startDate: string
  endDate?: string | null
  timeZone?: string
  cadence: Cadence
  /** Day of month periods start on (1-31, clamped to short months); default the start date's day. */
  anchorDay?: number
  renewal?: Renewal
  netTermsDays?: number
  /** Explicit phases; without them one phase from the plan (with `overrides`) at the start date. */
  phases?: ContractPhase[]
  overrides?: ItemOverride[]
  terms?: ContractTerms
}

export interface ContractListOptions {
  orgId?: string
  contractId?: string
  customerId?: string
  /** Keyset: the last contract id already seen. */
  after?: string
  limit?: number
}

export interface ContractRepository {
  create(input: CreateContractInput): Promise<Contract>
  get(orgId: string, id: string): Promise<Contract>
  /** Contracts in id order; without orgId, of every organisation (the scheduler's view). */
  list(opts: ContractListOptions): Promise<Contract[]>
  /** Adds a phase from its start date on; it must start after the last finalized invoice's date. */
  addPhase(orgId: string, id: string, phase: ContractPhase): Promise<Contract>
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

export function assertDate(value: string, field: string): string {
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || !new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)) {
    throw new ValidationError('invalid_request', `${field} must be a calendar date such as 2026-10-01`, [
      { field, code: 'invalid_date', message: 'expected a real calendar date YYYY-MM-DD' },
    ])
  }
  return value
}

type Row = typeof table.$inferSelect

function toContract(row: Row, externalId: string): Contract {
  return {
    id: row.id,
    orgId: row.orgId,
    customerId: row.customerId,
    customerExternalId: externalId,
    planId: row.planId,
    name: row.name,
    currency: row.currency,
    startDate: row.startDate,
    endDate: row.endDate,
    timeZone: row.timeZone,
    cadence: row.cadence,
    anchorDay: row.anchorDay,
    renewal: row.renewal,
    netTermsDays: row.netTermsDays,
    phases: row.phases,
    terms: row.terms,
    overrides: row.overrides,
    createdAt: toIso(row.createdAt),
  }
}

/** Plan items with the contract's overrides applied, and the record of what changed. */
export function applyOverrides(planItems: readonly ContractItem[], overrides: readonly ItemOverride[]): { items: ContractItem[]; recorded: ContractOverride[] } {
  const items = planItems.map((i) => ({ ...i }))
  const recorded: ContractOverride[] = []
  overrides.forEach((o, index) => {
    const existing = items.find((i) => i.product_id === o.product_id)
    if (!existing) {
      if (o.price === undefined) {
        throw new UnprocessableError('override_needs_price', `product ${o.product_id} is not in the plan, so its price must be given`, [
          { field: `overrides[${index}].price`, code: 'override_needs_price', message: 'products added to a plan need a price' },
        ])
      }
      const added: ContractItem = { product_id: o.product_id, price: o.price, billing: o.billing ?? 'in_arrears', ...(o.quantity !== undefined ? { quantity: o.quantity } : {}) }
      items.push(added)
      recorded.push({ product_id: o.product_id, field: 'price', plan_value: null, contract_value: o.price })
      return
    }
    for (const field of ['price', 'billing', 'quantity'] as const) {
      const value = o[field]
      if (value === undefined || JSON.stringify(value) === JSON.stringify(existing[field])) continue
      recorded.push({ product_id: o.product_id, field, plan_value: existing[field] ?? null, contract_value: value })
      ;(existing as Record<string, unknown>)[field] = value
    }
  })
  return { items, recorded }
}

function checkPhases(phases: readonly ContractPhase[], startDate: string, endDate: string | null): void {
  const fail = (field: string, code: string, message: string) => {
    throw new UnprocessableError(code, message, [{ field, code, message }])
  }
  if (phases.length === 0) fail('phases', 'phases_required', 'a contract needs at least one phase (or a plan)')
  phases.forEach((p, i) => {
    assertDate(p.start_date, `phases[${i}].start_date`)
    if (p.items.length === 0) fail(`phases[${i}].items`, 'items_required', 'a phase sells at least one product')
    if (i === 0 && p.start_date !== startDate) fail('phases[0].start_date', 'phase_start_mismatch', 'the first phase starts on the contract start date')
    if (i > 0 && p.start_date <= phases[i - 1]!.start_date) fail(`phases[${i}].start_date`, 'phases_out_of_order', 'phases start on increasing dates')
    if (endDate !== null && p.start_date >= endDate) fail(`phases[${i}].start_date`, 'phase_after_end', 'a phase starts before the contract ends')
    const ids = p.items.map((item) => item.product_id)
    if (new Set(ids).size !== ids.length) fail(`phases[${i}].items`, 'duplicate_product', 'a product appears once per phase')
  })
}

export function createContractRepository(db: Database, deps: { customers: CustomerRepository; plans: PlanRepository; products: ProductRepository }): ContractRepository {
  const select = () =>
    db.select({ row: table, externalId: customers.externalId }).from(table).innerJoin(customers, eq(customers.id, table.customerId))

  const repo: ContractRepository = {
    async create(input) {
      assertOrgId(input.orgId)
      const customer = await deps.customers.get(input.orgId, input.customer)
      const plan = input.plan ? await deps.plans.get(input.orgId, input.plan) : null
      const startDate = assertDate(input.startDate, 'start_date')
      const endDate = input.endDate ? assertDate(input.endDate, 'end_date') : null
      if (endDate !== null && endDate <= startDate) {
        throw new ValidationError('invalid_request', 'end_date must be after start_date', [{ field: 'end_date', code: 'invalid_dates', message: 'must be after start_date' }])
      }
      const currency = validateCurrency(input.currency ?? plan?.currency ?? customer.currency)
      const timeZone = normaliseTimeZone(input.timeZone ?? customer.timeZone)
      const anchorDay = input.anchorDay ?? Number(startDate.slice(8, 10))
      if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 31) {
        throw new ValidationError('invalid_request', 'anchor_day is a day of month, 1 to 31', [{ field: 'anchor_day', code: 'invalid_anchor_day', message: '1 to 31' }])
      }
      let phases = input.phases
      let recorded: ContractOverride[] = []
      if (phases === undefined) {
        if (plan === null) {
          throw new UnprocessableError('phases_required', 'give phases, or a plan to inherit products from', [
            { field: 'phases', code: 'phases_required', message: 'give phases or plan' },
          ])
        }
        const applied = applyOverrides(plan.items, input.overrides ?? [])
        phases = [{ start_date: startDate, items: applied.items }]
        recorded = applied.recorded
      } else if (input.overrides !== undefined && input.overrides.length > 0) {
        throw new UnprocessableError('overrides_need_plan', 'overrides change a plan; with explicit phases write the prices in the phases', [
          { field: 'overrides', code: 'overrides_need_plan', message: 'only with a plan and no phases' },
        ])
      }
      checkPhases(phases, startDate, endDate)
      for (const [i, p] of phases.entries()) await checkItems(deps.products, input.orgId, p.items, `phases[${i}].items`)
      try {
        const [row] = await db
          .insert(table)
          .values({
            orgId: input.orgId,
            customerId: customer.id,
            planId: plan?.id ?? null,
            name: input.name ?? (plan ? `${customer.name} — ${plan.name}` : customer.name),
            currency,
            startDate,
            endDate,
            timeZone,
            cadence: input.cadence,
            anchorDay,
            renewal: input.renewal ?? 'auto_renew',
            netTermsDays: input.netTermsDays ?? 30,
            phases,
            terms: input.terms ?? {},
            overrides: recorded,
          })
          .returning()
        return toContract(row!, customer.externalId)
      } catch (err) {
        throw insertError(err, input.orgId)
      }
    },

    async get(orgId, id) {
      assertOrgId(orgId)
      if (!isUuid(id)) throw new NotFoundError('contract_not_found', `contract ${id} does not exist`)
      const [found] = await select().where(and(eq(table.orgId, orgId), eq(table.id, id)))
      if (!found) throw new NotFoundError('contract_not_found', `contract ${id} does not exist`)
      return toContract(found.row, found.externalId)
    },

    async list(opts) {
      if (opts.orgId !== undefined) assertOrgId(opts.orgId)
      if (opts.contractId !== undefined && !isUuid(opts.contractId)) return []
      const conditions = [
        opts.orgId === undefined ? undefined : eq(table.orgId, opts.orgId),
        opts.contractId === undefined ? undefined : eq(table.id, opts.contractId),
        opts.customerId === undefined ? undefined : eq(customers.externalId, opts.customerId),
        opts.after === undefined ? undefined : gt(table.id, opts.after),
      ].filter((c) => c !== undefined)
      const rows = await select()
        .where(conditions.length === 0 ? undefined : and(...conditions))
        .orderBy(asc(table.id))
        .limit(Math.min(Math.max(opts.limit ?? 500, 1), 5_000))
      return rows.map((r) => toContract(r.row, r.externalId))
    },

    async addPhase(orgId, id, phase) {
      const contract = await repo.get(orgId, id)
      assertDate(phase.start_date, 'start_date')
      const [billed] = await db
        .select({ last: max(invoices.billingDate) })
        .from(invoices)
        .where(and(eq(invoices.contractId, id), ne(invoices.status, 'draft'), eq(invoices.orgId, orgId)))
      if (billed?.last && phase.start_date <= billed.last) {
        throw new UnprocessableError('phase_in_billed_period', `invoices up to ${billed.last} are final; a phase must start after that`, [
          { field: 'start_date', code: 'phase_in_billed_period', message: `must be after ${billed.last}` },
        ])
      }
      const phases = [...contract.phases.filter((p) => p.start_date < phase.start_date), phase]
      checkPhases(phases, contract.startDate, contract.endDate)
      await checkItems(deps.products, orgId, phase.items, 'items')
      await db.update(table).set({ phases }).where(and(eq(table.orgId, orgId), eq(table.id, id)))
      return { ...contract, phases }
    },
  }
  return repo
}
