// POST, GET and PATCH /v1/billing-entities: the legal entities an organisation invoices from. A
// customer that names one (`billing_entity` on the customer routes), or is created while one is
// the organisation's default, has its invoices and credit notes numbered from the entity's own
// gap-free sequences and shown with the entity's prefixes (`display_number`).
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import { apiApp } from '../../platform/http/apiApp.ts'
import { apiRoute, jsonAnswer, jsonContent } from '../../platform/http/apiRoute.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { requestOrg } from '../../platform/http/requestOrg.ts'
import { MAX_ENTITY_NAME_LENGTH, MAX_PREFIX_LENGTH, type BillingEntity, type BillingEntityRepository } from '../billingEntities.ts'

const TAG = 'Billing entities'

const prefix = (kind: string) =>
  z
    .string()
    .nullable()
    .optional()
    .describe(
      `Printed before the ${kind} number, which is padded to 6 digits: ACME-2026- gives ACME-2026-000042. 1 to ${MAX_PREFIX_LENGTH} characters of A–Z, a–z, 0–9 and . _ / # - (QuickBooks takes document numbers of at most 21 characters); none: the bare number`,
    )

export const createBillingEntityRequest = z.strictObject({
  name: z.string().describe(`Unique within the organisation, 1 to ${MAX_ENTITY_NAME_LENGTH} characters`),
  legal_details: z.string().max(4000).nullable().optional().describe('Free text: address, registration and tax numbers'),
  invoice_prefix: prefix('invoice'),
  credit_note_prefix: prefix('credit-note'),
  is_default: z
    .boolean()
    .optional()
    .describe("The organisation's default entity: customers created without `billing_entity` are invoiced by it. Marking one unmarks the previous default"),
})

export const updateBillingEntityRequest = z.strictObject({
  name: createBillingEntityRequest.shape.name.optional(),
  legal_details: createBillingEntityRequest.shape.legal_details,
  invoice_prefix: prefix('invoice').describe(
    'A new prefix shows on documents finalized from now on; those finalized before keep their display number, and the numbers go on from the same sequence (no gap, no restart)',
  ),
  credit_note_prefix: prefix('credit-note'),
  is_default: z.boolean().optional().describe('true: the default from now on (the previous default is unmarked); false: the organisation has no default'),
})

const entityParams = z.object({ id: z.string().describe('The billing entity id') })

export const billingEntityJson = z.object({
  id: z.uuid(),
  name: z.string(),
  legal_details: z.string().nullable(),
  invoice_prefix: z.string().nullable(),
  credit_note_prefix: z.string().nullable(),
  is_default: z.boolean(),
  created_at: z.string().describe('ISO-8601 UTC'),
})
const billingEntityListJson = z.object({ data: z.array(billingEntityJson) })

export function billingEntityToJson(e: BillingEntity): z.infer<typeof billingEntityJson> {
  return {
    id: e.id,
    name: e.name,
    legal_details: e.legalDetails,
    invoice_prefix: e.invoicePrefix,
    credit_note_prefix: e.creditNotePrefix,
    is_default: e.isDefault,
    created_at: e.createdAt,
  }
}

/** `clock`: the process's "now", a new entity's `created_at`. */
export function billingEntityRoutes(ledger: { billingEntities: BillingEntityRepository }, clock: Clock): OpenAPIHono<AppEnv> {
  const app = apiApp()

  app.openapi(
    apiRoute({
      method: 'post',
      path: '/v1/billing-entities',
      tags: [TAG],
      summary:
        "Declare a legal entity the organisation invoices from, with its invoice and credit-note prefixes. Customers naming it are numbered from its own gap-free sequences; customers naming none keep the organisation's.",
      request: {
        body: jsonContent(createBillingEntityRequest, {
          name: 'Acme GmbH',
          legal_details: 'Hauptstr. 1, 10115 Berlin, USt-IdNr. DE123456789',
          invoice_prefix: 'ACME-2026-',
          credit_note_prefix: 'ACME-CN-',
        }),
      },
      responses: {
        201: jsonAnswer('Declared', billingEntityJson),
        400: {
          description:
            'Invalid body (`invalid_json`, `invalid_request` naming `name`, `invoice_prefix` or `credit_note_prefix`: `invalid_name`, `invalid_prefix`)',
        },
        409: { description: 'The organisation has an entity of this name (`billing_entity_exists`)' },
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const entity = await ledger.billingEntities.create({
        orgId: requestOrg(c),
        name: body.name,
        legalDetails: body.legal_details,
        invoicePrefix: body.invoice_prefix,
        creditNotePrefix: body.credit_note_prefix,
        isDefault: body.is_default ?? false,
        now: clock.now(),
      })
      return c.json(billingEntityToJson(entity), 201)
    },
  )

  app.openapi(
    apiRoute({
      method: 'patch',
      path: '/v1/billing-entities/{id}',
      tags: [TAG],
      summary:
        "Change an entity's name, legal details (address, registration and tax numbers) or prefixes, or make it the organisation's default. Numbering is untouched: documents already finalized keep their display numbers, later ones continue the same gap-free sequence with the new prefix.",
      request: { params: entityParams, body: jsonContent(updateBillingEntityRequest, { invoice_prefix: 'ACME-2027-', is_default: true }) },
      responses: {
        200: jsonAnswer('The entity as changed', billingEntityJson),
        400: { description: '`invalid_json`, `invalid_request` naming `name`, `invoice_prefix` or `credit_note_prefix` (`invalid_name`, `invalid_prefix`)' },
        404: { description: '`billing_entity_not_found`' },
        409: { description: 'Another entity of the organisation has this name (`billing_entity_exists`)' },
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const entity = await ledger.billingEntities.update(requestOrg(c), c.req.valid('param').id, {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.legal_details === undefined ? {} : { legalDetails: body.legal_details }),
        ...(body.invoice_prefix === undefined ? {} : { invoicePrefix: body.invoice_prefix }),
        ...(body.credit_note_prefix === undefined ? {} : { creditNotePrefix: body.credit_note_prefix }),
        ...(body.is_default === undefined ? {} : { isDefault: body.is_default }),
      })
      return c.json(billingEntityToJson(entity), 200)
    },
  )

  app.openapi(
    apiRoute({
      method: 'get',
      path: '/v1/billing-entities',
      tags: [TAG],
      summary: "The organisation's billing entities in creation order.",
      responses: { 200: jsonAnswer('Billing entities', billingEntityListJson) },
    }),
    async (c) => {
      const entities = await ledger.billingEntities.list(requestOrg(c))
      return c.json({ data: entities.map(billingEntityToJson) }, 200)
    },
  )

  return app
}
