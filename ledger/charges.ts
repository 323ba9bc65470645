// One-off charges (issue 17): an amount (or a product × quantity at a unit amount) billed once
// on a contract's next invoice. Idempotent by the client's key: the same key with the same
// request returns the charge it created (`created: false`); with another request it is 409
// `idempotency_key_reused`, so a retry never bills twice and a reused key never hides a charge.
// The amount is quantity × unit amount rounded half up to the contract currency's minor units.
import { and, asc, eq, inArray } from 'drizzle-orm'
import { ConflictError, NotFoundError, UnprocessableError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import type { Contract, ContractRepository } from './contracts.ts'
import type { CurrencyRepository } from './currencies.ts'
import type { CustomerRepository } from './customers.ts'
import { assertOrgId, isUuid, toIso } from './ids.ts'
import { parseAmount } from './invoices.ts'
import type { ProductRepository } from './products.ts'
import { charges as table } from './schema/charges.ts'

export interface Charge {
  id: string
  customerId: string
  contractId: string
  idempotencyKey: string
  description: string
  productId: string | null
  quantity: string
  unitAmount: string
  amount: string
  currency: string
  chargeDate: string
  billNow: boolean
  actor: string
  createdAt: string
}

export interface AddChargeInput {
  orgId: string
  /** The customer's external id. */
  customer: string
  /** Default: the customer's only contract. */
  contractId?: string
  idempotencyKey: string
  description?: string
  productId?: string
  quantity?: string
  unitAmount: string
  /** Billed at once on an invoice of its own, not on the next scheduled one. */
  billNow?: boolean
  actor: string
  now: Date
  /** The charge's date for the contract it is billed on: the caller's today in the contract's zone; it may refuse a contract that bills nothing after it. */
  chargeDateFor: (contract: Contract) => Promise<string>
}

export interface ChargeRepository {
  add(input: AddChargeInput): Promise<{ charge: Charge; created: boolean }>
  listForCustomer(orgId: string, customer: string): Promise<Charge[]>
  /** Every charge of these contracts, oldest date first (rating picks each invoice's by date). */
  forContracts(contractIds: readonly string[]): Promise<Charge[]>
}

type Row = typeof table.$inferSelect

function toCharge(r: Row): Charge {
  const { orgId: _org, createdAt, ...rest } = r
  return { ...rest, createdAt: toIso(createdAt) }
}

/** The stored charge when it is what was asked again, else 409 `idempotency_key_reused`. */
function sameAs(row: Row, asked: Partial<Row>, key: string): Charge {
  if (!(Object.keys(asked) as (keyof Row)[]).every((k) => row[k] === asked[k])) {
    throw new ConflictError('idempotency_key_reused', `idempotency key ${key} was used for another charge`, {
      hint: 'send a new key for a new charge; a retry must repeat the first request exactly',
    })
  }
  return toCharge(row)
}

const fail = (field: string, code: string, message: string) => new UnprocessableError(code, message, [{ field, code, message }])

export function createChargeRepository(
  db: Database,
  deps: {
    customers: Pick<CustomerRepository, 'get'>
    contracts: Pick<ContractRepository, 'list' | 'get'>
    products: Pick<ProductRepository, 'getMany'>
    currencies: Pick<CurrencyRepository, 'table'>
  },
): ChargeRepository {
  return {
    async add(input) {
      assertOrgId(input.orgId)
      const customer = await deps.customers.get(input.orgId, input.customer)
      const contract = input.contractId
        ? await deps.contracts.get(input.orgId, input.contractId)
        : await onlyContract(deps.contracts, input.orgId, customer.externalId)
      if (contract.customerId !== customer.id) throw fail('contract_id', 'contract_not_of_customer', `contract ${contract.id} bills another customer`)
      const quantity = parseAmount(input.quantity ?? '1', 'quantity')
      if (!quantity.greaterThan(0)) throw fail('quantity', 'invalid_quantity', 'quantity must be greater than zero')
      const unit = parseAmount(input.unitAmount, 'unit_amount')
      if (!unit.greaterThan(0))
        throw fail('unit_amount', 'invalid_amount', 'unit_amount must be greater than zero (a credit is a credit note or a credit grant)')
      const product = input.productId ? (await deps.products.getMany(input.orgId, [input.productId])).get(input.productId) : undefined
      if (input.productId && !product) throw fail('product_id', 'product_not_found', `product ${input.productId} does not exist`)
      const minor = (await deps.currencies.table(input.orgId)).minorUnits(contract.currency) ?? 2
      const asked = {
        customerId: customer.id,
        contractId: contract.id,
        description: input.description ?? product?.name ?? 'One-off charge',
        productId: product?.id ?? null,
        quantity: quantity.toFixed(),
        unitAmount: unit.toFixed(),
        billNow: input.billNow ?? false,
      }
      const byKey = () =>
        db
          .select()
          .from(table)
          .where(and(eq(table.orgId, input.orgId), eq(table.idempotencyKey, input.idempotencyKey)))
      // A retry is answered before the charge date is decided: the caller's checks are for new charges.
      const [before] = await byKey()
      if (before) return { charge: sameAs(before, asked, input.idempotencyKey), created: false }
      const values = {
        ...asked,
        orgId: input.orgId,
        idempotencyKey: input.idempotencyKey,
        amount: quantity.times(unit).toFixed(minor),
        currency: contract.currency,
        chargeDate: await input.chargeDateFor(contract),
        actor: input.actor,
        createdAt: input.now,
      }
      const [inserted] = await db.insert(table).values(values).onConflictDoNothing().returning()
      if (inserted) return { charge: toCharge(inserted), created: true }
      // Two requests with one key at once: the other inserted first.
      const [raced] = await byKey()
      return { charge: sameAs(raced!, asked, input.idempotencyKey), created: false }
    },

    async listForCustomer(orgId, customer) {
      const found = await deps.customers.get(orgId, customer)
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), eq(table.customerId, found.id)))
        .orderBy(asc(table.createdAt))
      return rows.map(toCharge)
    },

    async forContracts(contractIds) {
      const ids = contractIds.filter(isUuid)
      if (ids.length === 0) return []
      const rows = await db.select().from(table).where(inArray(table.contractId, ids)).orderBy(asc(table.chargeDate), asc(table.createdAt))
      return rows.map(toCharge)
    },
  }
}

async function onlyContract(contracts: Pick<ContractRepository, 'list'>, orgId: string, customer: string) {
  const found = await contracts.list({ orgId, customerId: customer, limit: 2 })
  if (found.length === 1) return found[0]!
  if (found.length === 0) throw new NotFoundError('contract_not_found', `customer ${customer} has no contract to bill the charge on`)
  throw fail('contract_id', 'contract_required', `customer ${customer} has several contracts: name the one to bill the charge on`)
}
