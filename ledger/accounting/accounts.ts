// An organisation's chart of accounts and its product → revenue account mapping. The posting
// rules name roles (journalDraft.ts); this repository says which account code each role, and
// each product's revenue, posts to. The default chart is seeded in one place, `ensureChartIn`,
// idempotently (`on conflict do nothing`): an account the organisation already has, renamed or
// not, stays as it is.
import { and, asc, eq, isNull } from 'drizzle-orm'
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { assertOrgId, isUuid, toIso, toIsoOrNull } from '../ids.ts'
import { insertError } from '../insertError.ts'
import { products } from '../schema/products.ts'
import { accounts as table, productRevenueAccounts } from '../schema/accounting.ts'
import { ACCOUNT_TYPES, accountsToSeed, chartResolver, roleAccounts, type AccountType, type ChartResolver } from './compute/chartOfAccounts.ts'
import { ACCOUNT_ROLES, type AccountRole } from './compute/journalDraft.ts'
import { revenueKindOfRole } from './compute/lineAccounts.ts'
import { RECOGNITION_METHODS, type RecognitionMethod, type RevenueKind } from './compute/revenueSchedule.ts'

export interface ChartAccount {
  code: string
  name: string
  type: AccountType
  role: AccountRole | null
}

export interface Account extends ChartAccount {
  orgId: string
  archivedAt: string | null
  createdAt: string
}

export interface ProductRevenueAccount {
  orgId: string
  productId: string
  accountCode: string
  /** Overrides the default recognition method of the product's revenue kind. */
  method: RecognitionMethod | null
  /** Usage recognised as consumed: accrued at each month end, reversed when invoiced (usageAccruals.ts). */
  accrueUsage: boolean
}

export interface MapProductInput {
  orgId: string
  productId: string
  accountCode: string
  method?: RecognitionMethod | null
  /** Default false. Only for usage revenue: the method is `usage` or absent, and the account's role is none or `revenue_usage`. */
  accrueUsage?: boolean
  /** When it is mapped (the caller's clock): `created_at` of a first mapping (a replaced one keeps its own). */
  now: Date
}

/** An organisation's chart read without writing: its accounts (archived left out) and the default accounts seeding would add. */
export interface ChartPreview {
  accounts: Account[]
  /** compute/chartOfAccounts.ts `accountsToSeed`: empty once every role has an account. */
  unseeded: ChartAccount[]
}

/** What the posting rules need of an organisation's chart: where each role posts, and each mapped product's revenue settings. */
export interface PostingChart {
  resolver: ChartResolver
  /** productId → the revenue kind its account's role names (null for a custom account without one) and its method. */
  products: ReadonlyMap<string, { revenueKind: RevenueKind | null; method: RecognitionMethod | null }>
}

export interface AccountRepository {
  /** Seeds the default chart when a role has no account (`ensureChartIn`, created `now`: the caller's clock); returns the chart (archived accounts left out). */
  ensureChart(orgId: string, now: Date): Promise<Account[]>
  /** The chart as `ensureChart` would leave it, read without writing. */
  chart(orgId: string): Promise<ChartPreview>
  /** In code order; archived accounts too when asked. */
  list(orgId: string, opts?: { includeArchived?: boolean }): Promise<Account[]>
  /** 409 `account_exists` (the code) or `account_role_taken` (a non-revenue role already has its account). */
  create(input: ChartAccount & { orgId: string; now: Date }): Promise<Account>
  /** Sets (or replaces) the revenue account of a product. 404 `product_not_found`; 422 `account_not_found`, `account_not_revenue`, `accrue_usage_not_usage`. */
  mapProduct(input: MapProductInput): Promise<ProductRevenueAccount>
  productMappings(orgId: string): Promise<ProductRevenueAccount[]>
  /** compute's ChartResolver over the organisation's chart: each role's seeded account, overridden per product by its mapping. */
  resolver(orgId: string): Promise<ChartResolver>
  /** The account code a role posts to (`roleAccounts`). 422 `account_not_found` when the chart has none (seed it). */
  codeForRole(orgId: string, role: AccountRole): Promise<string>
  /** The revenue account of a product's lines: its mapping, else the account of its revenue role. */
  revenueCodeFor(orgId: string, input: { productId: string | null; role: AccountRole }): Promise<string>
}

/** The refusal for a code the organisation's chart does not have; `field` is the request's path to it. */
export function accountNotFound(code: string, field: string): UnprocessableError {
  const message = `account ${code} is not in this organisation's chart of accounts`
  return new UnprocessableError('account_not_found', message, [{ field, code: 'account_not_found', message }], {
    hint: 'list the chart with `tally accounts list`; seed the defaults or create the account first',
  })
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError('invalid_request', `${field} ${message}`, [{ field, code: `invalid_${field}`, message }])
}

type Row = typeof table.$inferSelect

function toAccount(row: Row): Account {
  return { ...row, archivedAt: toIsoOrNull(row.archivedAt), createdAt: toIso(row.createdAt) }
}

function toMapping(row: typeof productRevenueAccounts.$inferSelect): ProductRevenueAccount {
  return { orgId: row.orgId, productId: row.productId, accountCode: row.accountCode, method: row.method, accrueUsage: row.accrueUsage }
}

/**
 * Seeds the default chart (compute/chartOfAccounts.ts) when a role has no account, in the
 * caller's transaction, and returns the organisation's accounts (archived ones too). The one
 * place a chart is seeded: at the first posting (`postingChartIn`), so organisations created
 * before accounting existed post too, and before a change to the chart (`ensureChart`).
 * Idempotent: `accountsToSeed` leaves out what is there, and `on conflict do nothing` what a
 * concurrent seed wrote first. `now` (the caller's clock) is the seeded accounts' `created_at`.
 */
export async function ensureChartIn(tx: Database, orgId: string, now: Date): Promise<Row[]> {
  const read = () => tx.select().from(table).where(eq(table.orgId, orgId))
  const stored = await read()
  const missing = accountsToSeed(stored)
  if (missing.length === 0) return stored
  await tx
    .insert(table)
    .values(missing.map((a) => ({ orgId, ...a, createdAt: now })))
    .onConflictDoNothing()
  return read()
}

/** The organisation's posting chart, read in the caller's transaction, seeded first when a role has no account. */
export async function postingChartIn(tx: Database, orgId: string, now: Date): Promise<PostingChart> {
  const chart = roleAccounts((await ensureChartIn(tx, orgId, now)).filter((a) => a.archivedAt === null))
  const mappings = await tx
    .select({
      productId: productRevenueAccounts.productId,
      accountCode: productRevenueAccounts.accountCode,
      method: productRevenueAccounts.method,
      role: table.role,
    })
    .from(productRevenueAccounts)
    .innerJoin(table, and(eq(table.orgId, productRevenueAccounts.orgId), eq(table.code, productRevenueAccounts.accountCode)))
    .where(eq(productRevenueAccounts.orgId, orgId))
  return {
    resolver: chartResolver(chart, new Map(mappings.map((m) => [m.productId, m.accountCode]))),
    products: new Map(mappings.map((m) => [m.productId, { revenueKind: revenueKindOfRole(m.role), method: m.method }])),
  }
}

export function createAccountRepository(db: Database): AccountRepository {
  const list: AccountRepository['list'] = async (orgId, opts = {}) => {
    assertOrgId(orgId)
    const scope = opts.includeArchived ? eq(table.orgId, orgId) : and(eq(table.orgId, orgId), isNull(table.archivedAt))
    return (await db.select().from(table).where(scope).orderBy(asc(table.code))).map(toAccount)
  }

  const findAccount = async (orgId: string, code: string): Promise<Row | undefined> => {
    const [row] = await db
      .select()
      .from(table)
      .where(and(eq(table.orgId, orgId), eq(table.code, code)))
    return row
  }

  const codeForRole: AccountRepository['codeForRole'] = async (orgId, role) => {
    const found = roleAccounts(await list(orgId)).find((a) => a.role === role)
    if (found === undefined) throw accountNotFound(`for role ${role}`, 'role')
    return found.code
  }

  const productMappings: AccountRepository['productMappings'] = async (orgId) => {
    assertOrgId(orgId)
    const rows = await db.select().from(productRevenueAccounts).where(eq(productRevenueAccounts.orgId, orgId)).orderBy(asc(productRevenueAccounts.productId))
    return rows.map(toMapping)
  }

  return {
    async ensureChart(orgId, now) {
      assertOrgId(orgId)
      try {
        await ensureChartIn(db, orgId, now)
      } catch (err) {
        throw insertError(err, orgId)
      }
      return list(orgId)
    },

    async chart(orgId) {
      assertOrgId(orgId)
      const stored = await db.select().from(table).where(eq(table.orgId, orgId)).orderBy(asc(table.code))
      return {
        accounts: stored.filter((a) => a.archivedAt === null).map(toAccount),
        unseeded: accountsToSeed(stored),
      }
    },

    list,

    async create(input) {
      assertOrgId(input.orgId)
      if (!/^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$/.test(input.code)) throw invalid('code', 'must be 1 to 32 letters, digits, ".", "_" or "-"')
      const name = input.name.trim()
      if (name === '' || name.length > 100) throw invalid('name', 'must be 1 to 100 characters')
      if (!ACCOUNT_TYPES.includes(input.type)) throw invalid('type', `must be one of ${ACCOUNT_TYPES.join(', ')}`)
      if (input.role !== null && !ACCOUNT_ROLES.includes(input.role)) throw invalid('role', `must be one of ${ACCOUNT_ROLES.join(', ')}`)
      try {
        const [row] = await db
          .insert(table)
          .values({ orgId: input.orgId, code: input.code, name, type: input.type, role: input.role, createdAt: input.now })
          .returning()
        return toAccount(row!)
      } catch (err) {
        const taken = await findAccount(input.orgId, input.code).catch(() => undefined)
        throw insertError(err, input.orgId, () =>
          taken !== undefined
            ? new ConflictError('account_exists', `account ${input.code} already exists`)
            : new ConflictError('account_role_taken', `another account already has the role ${input.role}; one account per role`),
        )
      }
    },

    async mapProduct(input) {
      assertOrgId(input.orgId)
      const method = input.method ?? null
      if (method !== null && !RECOGNITION_METHODS.includes(method)) throw invalid('method', `must be one of ${RECOGNITION_METHODS.join(', ')}`)
      const [product] = isUuid(input.productId)
        ? await db
            .select({ id: products.id })
            .from(products)
            .where(and(eq(products.orgId, input.orgId), eq(products.id, input.productId)))
        : []
      if (product === undefined) throw new NotFoundError('product_not_found', `product ${input.productId} does not exist`)
      const account = await findAccount(input.orgId, input.accountCode)
      if (account === undefined || account.archivedAt !== null) throw accountNotFound(input.accountCode, 'account_code')
      if (account.type !== 'revenue') {
        const message = `account ${input.accountCode} is ${account.type}; a product's revenue posts to a revenue account`
        throw new UnprocessableError('account_not_revenue', message, [{ field: 'account_code', code: 'account_not_revenue', message }])
      }
      const accrueUsage = input.accrueUsage ?? false
      // Accruing recognises usage as consumed: meaningless for revenue recognised any other way.
      if (accrueUsage && ((method !== null && method !== 'usage') || !['revenue_usage', null].includes(account.role))) {
        const message = `accrue_usage is for usage revenue: method ${method ?? 'default'} on account ${input.accountCode} (role ${account.role ?? 'none'}) does not recognise usage as billed`
        throw new UnprocessableError('accrue_usage_not_usage', message, [{ field: 'accrue_usage', code: 'accrue_usage_not_usage', message }], {
          hint: 'map the product to a usage revenue account with method usage (or none) to accrue it',
        })
      }
      const values = { accountCode: input.accountCode, method, accrueUsage }
      const [row] = await db
        .insert(productRevenueAccounts)
        .values({ orgId: input.orgId, productId: input.productId, ...values, createdAt: input.now })
        .onConflictDoUpdate({ target: [productRevenueAccounts.orgId, productRevenueAccounts.productId], set: values })
        .returning()
      return toMapping(row!)
    },

    productMappings,

    async resolver(orgId) {
      assertOrgId(orgId)
      const mappings = await productMappings(orgId)
      return chartResolver(roleAccounts(await list(orgId)), new Map(mappings.map((m) => [m.productId, m.accountCode])))
    },

    codeForRole,

    async revenueCodeFor(orgId, input) {
      assertOrgId(orgId)
      if (input.productId !== null && isUuid(input.productId)) {
        const [mapped] = await db
          .select({ code: productRevenueAccounts.accountCode })
          .from(productRevenueAccounts)
          .where(and(eq(productRevenueAccounts.orgId, orgId), eq(productRevenueAccounts.productId, input.productId)))
        if (mapped !== undefined) return mapped.code
      }
      return codeForRole(orgId, input.role)
    },
  }
}
