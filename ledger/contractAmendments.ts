// Contract amendments (issue 17): change the end date, terminate, add, edit or delete a phase.
// Each one is decided in one transaction holding the contract's row lock (the lock rating runs
// write invoices under, so no invoice is finalized between the check and the write): the
// amended contract is checked like a new one (dates, phases, products), then against its final
// invoices by rating's rule (RatingDocuments.contractChange: a change of what a final invoice
// billed is refused unless an open invoice prorates it), then stored with a versioned, audited
// row (schema/contractAmendments.ts). A preview (`dryRun`) runs every check and writes nothing.
// Edits and deletions touch only future phases (starting after `today`, the caller's date in
// the contract's zone): a phase in force has billed, or is billing, what it sells.
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { ConflictError, NotFoundError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { assertDate, checkPhases, toContract, unprocessable, type Contract } from './contracts.ts'
import type { CurrencyRepository } from './currencies.ts'
import { assertOrgId, isUuid, toIso } from './ids.ts'
import { checkItems, checkPrices } from './plans.ts'
import type { ProductRepository } from './products.ts'
import type { RatingDocuments } from './ratingStore.ts'
import { contractAmendments as table, type AmendedState, type AmendmentKind } from './schema/contractAmendments.ts'
import { contracts, type ContractPhase, type EndProration } from './schema/contracts.ts'
import { customers } from './schema/customers.ts'
import { invoices } from './schema/invoices.ts'

export type AmendmentChange =
  | { kind: 'end_date'; endDate: string | null; renewal?: Contract['renewal'] }
  | { kind: 'terminate'; endDate: string; proration: EndProration }
  | { kind: 'phase_added'; phase: ContractPhase }
  | { kind: 'phase_edited'; startDate: string; phase: ContractPhase }
  | { kind: 'phase_deleted'; startDate: string }

export interface AmendInput {
  orgId: string
  contractId: string
  change: AmendmentChange
  /** The request as received, stored with the amendment. */
  request: Record<string, unknown>
  /** `api_key:<id>` or `admin`. */
  actor: string
  /** When, from the caller's clock. */
  now: Date
  /** The caller's date in the contract's zone: phases starting after it are future phases. */
  today: string
  /** Check everything, write nothing. */
  dryRun?: boolean
}

export interface Amendment {
  id: string
  contractId: string
  version: number
  kind: AmendmentKind
  actor: string
  at: string
  request: Record<string, unknown>
  before: AmendedState
  after: AmendedState
}

export interface ContractAmendmentRepository {
  /** The contract after the change, and the amendment written (null for a dry run). */
  amend(input: AmendInput): Promise<{ before: Contract; contract: Contract; amendment: Amendment | null }>
  /** Oldest first. */
  list(orgId: string, contractId: string): Promise<Amendment[]>
}

function stateOf(c: Pick<Contract, 'endDate' | 'renewal' | 'endProration' | 'phases'>): AmendedState {
  return { end_date: c.endDate, renewal: c.renewal, end_proration: c.endProration, phases: c.phases }
}

/** The phase starting on `startDate`, which must be a future one. */
function futurePhase(contract: Contract, startDate: string, today: string): number {
  assertDate(startDate, 'start')
  const at = contract.phases.findIndex((p) => p.start_date === startDate)
  if (at < 0) throw new NotFoundError('phase_not_found', `contract ${contract.id} has no phase starting on ${startDate}`)
  if (startDate <= today) {
    throw unprocessable(
      'start',
      'phase_not_future',
      `the phase from ${startDate} is in force (today is ${today}); add a phase from a later date to change its prices`,
    )
  }
  return at
}

/** The amended parts of the contract; structural checks only (the billed-period rule is rating's). */
function amended(contract: Contract, change: AmendmentChange, today: string): Pick<Contract, 'endDate' | 'renewal' | 'endProration' | 'phases'> {
  const same = { endDate: contract.endDate, renewal: contract.renewal, endProration: contract.endProration, phases: contract.phases }
  switch (change.kind) {
    case 'end_date':
      return { ...same, endDate: change.endDate === null ? null : assertDate(change.endDate, 'end_date'), renewal: change.renewal ?? contract.renewal }
    case 'terminate':
      // Phases that would start on or after the end never start.
      return {
        endDate: assertDate(change.endDate, 'end_date'),
        renewal: 'end',
        endProration: change.proration,
        phases: contract.phases.filter((p, i) => i === 0 || p.start_date < change.endDate),
      }
    case 'phase_added':
      if (contract.phases.some((p) => p.start_date === change.phase.start_date)) {
        throw new ConflictError('phase_exists', `contract ${contract.id} already has a phase from ${change.phase.start_date}`, {
          hint: 'a phase runs until the next one starts; start the new one on another date, or edit that one (PATCH /v1/contracts/:id/phases/:start)',
        })
      }
      return { ...same, phases: sorted([...contract.phases, change.phase]) }
    case 'phase_edited': {
      const at = futurePhase(contract, change.startDate, today)
      if (change.phase.start_date <= today) throw unprocessable('start_date', 'phase_not_future', `an edited phase starts after today (${today})`)
      return { ...same, phases: sorted(contract.phases.map((p, i) => (i === at ? change.phase : p))) }
    }
    case 'phase_deleted': {
      const at = futurePhase(contract, change.startDate, today)
      return { ...same, phases: contract.phases.filter((_, i) => i !== at) }
    }
  }
}

function sorted(phases: ContractPhase[]): ContractPhase[] {
  return [...phases].sort((a, b) => (a.start_date < b.start_date ? -1 : 1))
}

type Row = typeof table.$inferSelect

function toAmendment(r: Row): Amendment {
  return {
    id: r.id,
    contractId: r.contractId,
    version: r.version,
    kind: r.kind,
    actor: r.actor,
    at: toIso(r.at),
    request: r.request,
    before: r.before,
    after: r.after,
  }
}

/** Where a change is reported: the request field that made it. */
const PROBLEM: Record<AmendmentKind, { field: string; code: string }> = {
  end_date: { field: 'end_date', code: 'end_in_billed_period' },
  terminate: { field: 'at', code: 'end_in_billed_period' },
  phase_added: { field: 'start_date', code: 'phase_in_billed_period' },
  phase_edited: { field: 'start_date', code: 'phase_in_billed_period' },
  phase_deleted: { field: 'start', code: 'phase_in_billed_period' },
}

export function createContractAmendmentRepository(
  db: Database,
  deps: { products: ProductRepository; currencies: Pick<CurrencyRepository, 'table'>; documents: RatingDocuments },
): ContractAmendmentRepository {
  return {
    async amend(input) {
      assertOrgId(input.orgId)
      if (!isUuid(input.contractId)) throw new NotFoundError('contract_not_found', `contract ${input.contractId} does not exist`)
      const change = input.change
      const phase = change.kind === 'phase_added' || change.kind === 'phase_edited' ? change.phase : undefined
      // Read before the transaction: PGlite runs one statement at a time (products and currencies never change under it).
      if (phase) {
        assertDate(phase.start_date, 'start_date')
        checkPrices(deps.documents, await deps.currencies.table(input.orgId), phase.items, 'items')
        await checkItems(deps.products, input.orgId, phase.items, 'items')
      }
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const [locked] = await tx
          .select({ row: contracts, externalId: customers.externalId })
          .from(contracts)
          .innerJoin(customers, eq(customers.id, contracts.customerId))
          .where(and(eq(contracts.orgId, input.orgId), eq(contracts.id, input.contractId)))
          .for('update', { of: contracts })
        if (!locked) throw new NotFoundError('contract_not_found', `contract ${input.contractId} does not exist`)
        const before = toContract(locked.row, locked.externalId)
        const after = { ...before, ...amended(before, change, input.today) }
        if (after.endDate !== null && after.endDate <= after.startDate) {
          throw unprocessable('end_date', 'end_date_not_after_start', `end_date ${after.endDate} must be after start_date ${after.startDate}`)
        }
        const at = phase ? after.phases.indexOf(phase) : -1
        checkPhases(after.phases, after.startDate, after.endDate, (i, field) => (i === at ? field : `phases[${i}].${field}`))
        const final = await tx
          .select({ number: invoices.number, billingDate: invoices.billingDate, periodIndex: invoices.periodIndex })
          .from(invoices)
          .where(and(eq(invoices.orgId, input.orgId), eq(invoices.contractId, before.id), inArray(invoices.status, ['finalized', 'paid'])))
        deps.documents.contractChange(
          { before: { schedule: before, phases: before.phases }, after: { schedule: after, phases: after.phases }, final },
          PROBLEM[change.kind],
        )
        if (input.dryRun) return { before, contract: after, amendment: null }
        await tx
          .update(contracts)
          .set({ endDate: after.endDate, renewal: after.renewal, endProration: after.endProration, phases: after.phases })
          .where(eq(contracts.id, before.id))
        const [last] = await tx
          .select({ version: sql<number>`coalesce(max(${table.version}), 0)::int` })
          .from(table)
          .where(eq(table.contractId, before.id))
        const [row] = await tx
          .insert(table)
          .values({
            orgId: input.orgId,
            contractId: before.id,
            version: (last?.version ?? 0) + 1,
            kind: change.kind,
            actor: input.actor,
            at: input.now,
            request: input.request,
            before: stateOf(before),
            after: stateOf(after),
          })
          .returning()
        return { before, contract: after, amendment: toAmendment(row!) }
      })
    },

    async list(orgId, contractId) {
      assertOrgId(orgId)
      if (!isUuid(contractId)) throw new NotFoundError('contract_not_found', `contract ${contractId} does not exist`)
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), eq(table.contractId, contractId)))
        .orderBy(asc(table.version))
      if (rows.length === 0) {
        const [exists] = await db
          .select({ id: contracts.id })
          .from(contracts)
          .where(and(eq(contracts.orgId, orgId), eq(contracts.id, contractId)))
        if (!exists) throw new NotFoundError('contract_not_found', `contract ${contractId} does not exist`)
      }
      return rows.map(toAmendment)
    },
  }
}
