// One-off charges over HTTP (issue 17): POST /v1/customers/:id/charges adds an amount, or a
// product × quantity at a unit amount, billed once on the contract's next invoice
// (execute/oneOffCharges.ts); GET lists them. Idempotent by the client's `idempotency_key`: a
// retry answers 200 with the charge it created; the key reused for another charge is 409. A
// contract that bills nothing after today is refused (422 `no_invoice_to_bill`): the charge
// would never be billed. With `invoice_now` the charge is billed at once on an invoice of its
// own, finalized now (execute/chargeInvoice.ts).
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import type { Charge, ChargeRepository, Contract, Invoice, RatingStore } from '../../ledger/ratingStore.ts'
import type { Clock } from '../../platform/clock.ts'
import { UnprocessableError } from '../../platform/errors.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestActor } from '../../platform/http/requestActor.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { zonedToday } from '../compute/calendar/zonedToday.ts'
import { dueInvoices, scheduledInvoice } from '../execute/billingSchedule.ts'
import { billingDateTaken, invoiceCharge } from '../execute/chargeInvoice.ts'
import { scheduleOf } from '../execute/ratingRun.ts'
import { billingBodyHook } from './billingBodyHook.ts'

const decimal = z
  .string({ error: 'must be a decimal string such as "25.00" (JSON numbers are not accepted)' })
  .regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "25.00"')

export const addChargeRequest = z
  .strictObject({
    idempotency_key: z.string().min(1).max(200).describe('Chosen by the client: a retry with the same key and body returns the same charge'),
    contract_id: z.string().optional().describe("The contract whose next invoice bills it; default the customer's only contract"),
    description: z.string().min(1).max(500).optional().describe("Default: the product's name, else 'One-off charge'"),
    amount: decimal.optional().describe('An ad-hoc amount (quantity 1)'),
    product_id: z.string().optional().describe('The product charged (its name labels the line)'),
    quantity: decimal.optional().describe('Default 1'),
    unit_amount: decimal.optional().describe('Price per unit of the product; the charge is quantity × unit amount, rounded to the currency'),
    invoice_now: z
      .boolean()
      .optional()
      .describe(
        'Bill it at once on an invoice of its own, finalized now (one per contract and day, not on a scheduled billing date); default: on the next invoice',
      ),
  })
  .superRefine((b, ctx) => {
    if ((b.amount === undefined) === (b.unit_amount === undefined))
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'give amount, or unit_amount (with product_id and quantity), not both' })
    if (b.amount !== undefined && b.quantity !== undefined) ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'quantity goes with unit_amount' })
  })

const chargeJson = z.object({
  id: z.string(),
  customer_id: z.string().describe("The customer's internal id"),
  contract_id: z.string(),
  idempotency_key: z.string(),
  description: z.string(),
  product_id: z.string().nullable(),
  quantity: z.string(),
  unit_amount: z.string(),
  amount: z.string(),
  currency: z.string(),
  charge_date: z.string().describe("Today in the contract's zone when it was added: the first invoice dated after it bills it"),
  bill_now: z.boolean(),
  invoice: z
    .object({ id: z.string(), number: z.number().int().nullable(), status: z.string(), total: z.string() })
    .nullable()
    .describe('With invoice_now: the invoice of its own that billed it'),
  actor: z.string(),
  created_at: z.string(),
})

function chargeToJson(c: Charge, invoice: Invoice | null = null): z.infer<typeof chargeJson> {
  return {
    id: c.id,
    customer_id: c.customerId,
    contract_id: c.contractId,
    idempotency_key: c.idempotencyKey,
    description: c.description,
    product_id: c.productId,
    quantity: c.quantity,
    unit_amount: c.unitAmount,
    amount: c.amount,
    currency: c.currency,
    charge_date: c.chargeDate,
    bill_now: c.billNow,
    invoice: invoice === null ? null : { id: invoice.id, number: invoice.number, status: invoice.status, total: invoice.total },
    actor: c.actor,
    created_at: c.createdAt,
  }
}

const customerParams = z.object({ id: z.string().describe("The customer's external id") })

/**
 * Today in the contract's zone, when an invoice follows it; for a charge billed at once, when no
 * invoice of the contract is dated today (a scheduled one, or another charge's billed at once):
 * checked before the charge is stored, so a refused request stores nothing.
 */
async function chargeDate(ledger: Pick<RatingStore, 'invoices'>, contract: Contract, at: { now: Date; billNow: boolean }): Promise<string> {
  const today = zonedToday(at.now, contract.timeZone)
  const schedule = scheduleOf(contract)
  const due = dueInvoices(schedule, (d) => d <= today)
  if (scheduledInvoice(schedule, due.length) === null) {
    const message = `contract ${contract.id} bills no invoice after ${today}`
    throw new UnprocessableError('no_invoice_to_bill', message, [{ field: 'contract_id', code: 'no_invoice_to_bill', message }], {
      hint: 'bill it on another contract of the customer, or issue it as a separate invoice outside Tally',
    })
  }
  if (at.billNow) {
    const live = await ledger.invoices.statusesForContracts([contract.id])
    if (due.at(-1)?.billingDate === today || live.some((i) => i.billingDate === today && i.status !== 'void')) throw billingDateTaken(today)
  }
  return today
}

export function chargeRoutes(deps: {
  ledger: { charges: ChargeRepository } & Pick<RatingStore, 'contracts' | 'currencies' | 'invoiceDrafts' | 'invoices'>
  clock: Clock
}): OpenAPIHono<AppEnv> {
  const app = apiApp()
  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/customers/{id}/charges',
      tags: ['Charges'],
      summary:
        "Add a one-off charge: an amount, or a product × quantity at a unit amount, billed once on the contract's next invoice (kind `one_off_charge`). Idempotent by `idempotency_key`.",
      request: {
        params: customerParams,
        body: jsonContent(addChargeRequest, { idempotency_key: 'setup-acme-1', description: 'Onboarding', amount: '250.00' }),
      },
      responses: {
        201: jsonAnswer('Created', chargeJson),
        200: jsonAnswer('Already created with this key (a retry)', chargeJson),
        400: { description: '`invalid_json`; `invalid_request` naming each field (amount and unit_amount both or neither, a JSON number)' },
        404: { description: '`customer_not_found`, `contract_not_found` (also: the customer has no contract)' },
        409: {
          description:
            '`idempotency_key_reused`: the key was used for another charge; `billing_date_taken`: with invoice_now, the contract already has an invoice dated today (a scheduled one, or another charge billed at once)',
        },
        422: {
          description:
            '`contract_required` (several contracts: name one), `contract_not_of_customer`, `product_not_found`, `invalid_amount`, `invalid_quantity` (not above zero), `no_invoice_to_bill` (the contract bills nothing after today)',
        },
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      const now = deps.clock.now()
      const orgId = requestOrg(c)
      const { charge, created } = await deps.ledger.charges.add({
        orgId,
        customer: c.req.valid('param').id,
        ...(b.contract_id === undefined ? {} : { contractId: b.contract_id }),
        idempotencyKey: b.idempotency_key,
        ...(b.description === undefined ? {} : { description: b.description }),
        ...(b.product_id === undefined ? {} : { productId: b.product_id }),
        quantity: b.quantity ?? '1',
        unitAmount: b.unit_amount ?? b.amount!,
        actor: requestActor(c),
        now,
        ...(b.invoice_now ? { billNow: true } : {}),
        chargeDateFor: (contract) => chargeDate(deps.ledger, contract, { now, billNow: b.invoice_now === true }),
      })
      const invoice = charge.billNow
        ? await invoiceCharge({
            ledger: deps.ledger,
            contract: await deps.ledger.contracts.get(orgId, charge.contractId),
            charge,
            currencies: await deps.ledger.currencies.table(orgId),
            now,
          })
        : null
      return c.json(chargeToJson(charge, invoice), created ? 201 : 200)
    },
    billingBodyHook,
  )
  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/customers/{id}/charges',
      tags: ['Charges'],
      summary: "A customer's one-off charges, oldest first",
      request: { params: customerParams },
      responses: { 200: jsonAnswer('Charges', z.object({ data: z.array(chargeJson) })), 404: { description: '`customer_not_found`' } },
    }),
    async (c) =>
      c.json({ data: (await deps.ledger.charges.listForCustomer(requestOrg(c), c.req.valid('param').id)).map((charge) => chargeToJson(charge)) }, 200),
  )
  return app
}
