// Contracts: what one customer buys, at what price, on what schedule. Prices and terms are
// checked by rating's rules (RatingDocuments, ratingStore.ts) before anything is read or
// stored; this repository owns the structural rules (dates, currency, time zone, cadence,
// phases, products) and plan inheritance.
// Error rule (ledger/README.md): a value that cannot be read (a date that is not a calendar
// date) is a ValidationError (400 `invalid_request`); a readable value that is impossible
// (dates in the wrong order, anchor day 32, an unknown currency or zone, a product that is
// not there) is an UnprocessableError (422) with its own code and the request's field path.
import { insertError } from './insertError.ts'
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import { NotFoundError, TallyError, UnprocessableError, ValidationError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import type { CurrencyRepository } from './currencies.ts'
import { normaliseTimeZone } from './currencyAndTimeZone.ts'
import type { CustomerRepository } from './customers.ts'
import { assertOrgId, isUuid, toIso } from './ids.ts'
import { checkItems, checkPrices, type PlanRepository } from './plans.ts'
import type { ProductRepository } from './products.ts'
import type { RatingDocuments } from './ratingStore.ts'
import { contracts as table, type ContractOverride, type ContractPhase, type ContractTerms, type EndProration } from './schema/contracts.ts'
import { customers } from './schema/customers.ts'
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
  /**
   * What a rating run does with an invoice first rated after its grace period ended (a back-dated
   * contract, or runs that did not happen): `draft` leaves it for a person to review and finalize,
   * `finalize` finalizes it like any other. Default `finalize` (see the schema's NOTE).
   */
  backdatedInvoices: 'draft' | 'finalize'
  /** What ending inside a period billed in advance does to its unused days (a termination sets it). */
  endProration: EndProration
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
  /** Days from the billing date to the due date, 0 to 365; default 30. */
  netTermsDays?: number
  /** Invoices first rated after their grace ended: `draft` (default) waits for a person, `finalize` does not. */
  backdatedInvoices?: 'draft' | 'finalize'
  /** Explicit phases; without them one phase from the plan (with `overrides`) at the start date. */
  phases?: ContractPhase[]
  overrides?: ItemOverride[]
  terms?: ContractTerms
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
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
  /** How many contracts `list` pages through (a rating run's total, for its progress). */
  count(opts: Pick<ContractListOptions, 'orgId' | 'contractId'>): Promise<number>
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

export function toContract(row: Row, externalId: string): Contract {
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
    backdatedInvoices: row.backdatedInvoices,
    endProration: row.endProration,
    phases: row.phases,
    terms: row.terms,
    overrides: row.overrides,
    createdAt: toIso(row.createdAt),
  }
}

/** A 422 naming one field: `unprocessable('end_date', 'end_date_not_after_start', '…')`. */
export function unprocessable(field: string, code: string, message: string): UnprocessableError {
  return new UnprocessableError(code, message, [{ field, code, message }])
}

/** Plan items with the contract's overrides applied, and the record of what changed. */
export function applyOverrides(
  planItems: readonly ContractItem[],
  overrides: readonly ItemOverride[],
): { items: ContractItem[]; recorded: ContractOverride[] } {
  const items = planItems.map((i) => ({ ...i }))
  const recorded: ContractOverride[] = []
  overrides.forEach((o, index) => {
    if (overrides.findIndex((other) => other.product_id === o.product_id) < index) {
      throw unprocessable(`overrides[${index}].product_id`, 'duplicate_product', `product ${o.product_id} is overridden twice; give one override per product`)
    }
    const existing = items.find((i) => i.product_id === o.product_id)
    if (!existing) {
      if (o.price === undefined) {
        throw new UnprocessableError('override_needs_price', `product ${o.product_id} is not in the plan, so its price must be given`, [
          { field: `overrides[${index}].price`, code: 'override_needs_price', message: 'products added to a plan need a price' },
        ])
      }
      const added: ContractItem = {
        product_id: o.product_id,
        price: o.price,
        billing: o.billing ?? 'in_arrears',
        ...(o.quantity !== undefined ? { quantity: o.quantity } : {}),
      }
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

/**
 * Dates of the phases against the contract's. `at(i, field)` is the request path of phase i's
 * field (`phases[1].start_date` on create, `start_date` for the one phase POST …/phases adds).
 */
export function checkPhases(phases: readonly ContractPhase[], startDate: string, endDate: string | null, at: (i: number, field: string) => string): void {
  const fail = (field: string, code: string, message: string) => {
    throw unprocessable(field, code, message)
  }
  if (phases.length === 0) fail('phases', 'phases_required', 'a contract needs at least one phase (or a plan)')
  phases.forEach((p, i) => {
    assertDate(p.start_date, at(i, 'start_date'))
    if (p.items.length === 0) fail(at(i, 'items'), 'items_required', 'a phase sells at least one product')
    if (i === 0 && p.start_date < startDate)
      fail(at(i, 'start_date'), 'phase_before_start', `the contract starts on ${startDate}; a phase cannot start before it`)
    if (i === 0 && p.start_date > startDate) fail(at(i, 'start_date'), 'phase_start_mismatch', `the first phase starts on the contract start date ${startDate}`)
    if (i > 0 && p.start_date <= phases[i - 1]!.start_date)
      fail(at(i, 'start_date'), 'phases_out_of_order', `phases start on increasing dates; the one before starts on ${phases[i - 1]!.start_date}`)
    if (endDate !== null && p.start_date >= endDate) fail(at(i, 'start_date'), 'phase_after_end', `the contract ends on ${endDate}; a phase starts before that`)
  })
}

/** A 404 for a resource a contract names (customer, plan), with the field that named it. */
export function notFoundAt(field: string, err: unknown): unknown {
  if (!(err instanceof TallyError) || err.category !== 'not_found' || err.details.length > 0) return err
  return new TallyError('not_found', err.code, err.message, [{ field, code: err.code, message: err.message }], err.extra)
}

export function createContractRepository(
  db: Database,
  deps: {
    customers: CustomerRepository
    plans: PlanRepository
    products: ProductRepository
    currencies: Pick<CurrencyRepository, 'table'>
    documents: RatingDocuments
  },
): ContractRepository {
  const select = () => db.select({ row: table, externalId: customers.externalId }).from(table).innerJoin(customers, eq(customers.id, table.customerId))

  const repo: ContractRepository = {
    async create(input) {
      assertOrgId(input.orgId)
      const currencies = await deps.currencies.table(input.orgId)
      input.phases?.forEach((p, i) => checkPrices(deps.documents, currencies, p.items, `phases[${i}].items`))
      checkPrices(deps.documents, currencies, input.overrides ?? [], 'overrides')
      if (input.terms !== undefined) deps.documents.terms(input.terms, 'terms')
      const customer = await deps.customers.get(input.orgId, input.customer).catch((err: unknown) => Promise.reject(notFoundAt('customer', err)))
      const plan = input.plan ? await deps.plans.get(input.orgId, input.plan).catch((err: unknown) => Promise.reject(notFoundAt('plan', err))) : null
      const startDate = assertDate(input.startDate, 'start_date')
      const endDate = input.endDate ? assertDate(input.endDate, 'end_date') : null
      if (endDate !== null && endDate <= startDate) {
        throw unprocessable('end_date', 'end_date_not_after_start', `end_date ${endDate} must be after start_date ${startDate}`)
      }
      const currency = currencies.validate(input.currency ?? plan?.currency ?? customer.currency)
      const timeZone = normaliseTimeZone(input.timeZone ?? customer.timeZone)
      const anchorDay = input.anchorDay ?? Number(startDate.slice(8, 10))
      if (!Number.isInteger(anchorDay))
        throw new ValidationError('invalid_request', 'anchor_day is a whole day of month', [
          { field: 'anchor_day', code: 'invalid_type', message: 'expected an integer' },
        ])
      if (anchorDay < 1 || anchorDay > 31) {
        throw unprocessable('anchor_day', 'invalid_anchor_day', `anchor_day is a day of month from 1 to 31 (short months use their last day), got ${anchorDay}`)
      }
      const netTermsDays = input.netTermsDays ?? 30
      if (!Number.isInteger(netTermsDays))
        throw new ValidationError('invalid_request', 'net_terms_days is a whole number of days', [
          { field: 'net_terms_days', code: 'invalid_type', message: 'expected an integer' },
        ])
      if (netTermsDays < 0 || netTermsDays > 365) {
        throw unprocessable('net_terms_days', 'invalid_net_terms_days', `net_terms_days is 0 to 365 days after the billing date, got ${netTermsDays}`)
      }
      let phases = input.phases
      let recorded: ContractOverride[] = []
      if (phases === undefined) {
        if (plan === null) throw unprocessable('phases', 'phases_required', 'give phases, or a plan to inherit products from')
        // Override products are checked where the request named them, before they join the phase.
        await checkItems(deps.products, input.orgId, input.overrides ?? [], 'overrides')
        const applied = applyOverrides(plan.items, input.overrides ?? [])
        phases = [{ start_date: startDate, items: applied.items }]
        recorded = applied.recorded
      } else if (input.overrides !== undefined && input.overrides.length > 0) {
        throw unprocessable('overrides', 'overrides_need_plan', 'overrides change a plan; with explicit phases write the prices in the phases')
      }
      checkPhases(phases, startDate, endDate, (i, field) => (input.phases === undefined ? 'start_date' : `phases[${i}].${field}`))
      for (const [i, p] of phases.entries()) await checkItems(deps.products, input.orgId, p.items, `phases[${i}].items`)
      // Discounts name products the contract sells (by id or name): one that could never apply is refused now, not at billing.
      const sold = await deps.products.getMany(input.orgId, [...new Set(phases.flatMap((p) => p.items.map((i) => i.product_id)))])
      deps.documents.termsFor(
        input.terms ?? {},
        'terms',
        [...sold.values()].map((p) => ({ id: p.id, name: p.name })),
      )
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
            netTermsDays,
            backdatedInvoices: input.backdatedInvoices ?? 'draft',
            phases,
            terms: input.terms ?? {},
            overrides: recorded,
            createdAt: input.now,
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

    async count(opts) {
      if (opts.orgId !== undefined) assertOrgId(opts.orgId)
      if (opts.contractId !== undefined && !isUuid(opts.contractId)) return 0
      const conditions = [
        opts.orgId === undefined ? undefined : eq(table.orgId, opts.orgId),
        opts.contractId === undefined ? undefined : eq(table.id, opts.contractId),
      ].filter((c) => c !== undefined)
      const [row] = await db
        .select({ n: sql<string>`count(*)::text` })
        .from(table)
        .where(conditions.length === 0 ? undefined : and(...conditions))
      return Number(row?.n ?? 0)
    },
  }
  return repo
}
