// Request and answer shapes of the contract amendment routes (amendmentRoutes.ts). Dates are
// calendar dates; structural problems are 400 `invalid_request`, impossible content 422.
import { z } from 'zod'
import type { Amendment } from '../../ledger/ratingStore.ts'
import { phaseSchema } from './billingSchemas.ts'
import { contractPreviewJson } from './invoicePreviewRoutes.ts'

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-10-01')
const proration = z
  .enum(['prorate', 'none'])
  .default('prorate')
  .describe('`prorate` (default): the unused days of a period billed in advance are credited on the next invoice; `none`: what was billed stays')

export const endDateRequest = z.strictObject({
  end_date: date.nullable().describe('The new end date (exclusive: the first day not served); null: no end'),
  renewal: z.enum(['auto_renew', 'end']).optional().describe('`end` stops billing at end_date; `auto_renew` renews the term'),
})

export const terminateRequest = z.strictObject({
  at: z
    .union([z.enum(['now', 'period_end']), date])
    .describe("`now`: from today in the contract's zone; `period_end`: the end of the current billing period; or a date"),
  proration,
})

export const phaseEditRequest = z.strictObject({
  start_date: date.optional().describe('Move the phase (after today)'),
  items: phaseSchema.shape.items.optional().describe("The phase's products and prices (default: as they are)"),
})

export const phaseParams = z.object({ id: z.string().describe('The contract id'), start: date.describe('The start date of the phase') })

export const amendmentChangeSchema = z.discriminatedUnion('kind', [
  endDateRequest.extend({ kind: z.literal('end_date') }),
  terminateRequest.extend({ kind: z.literal('terminate') }),
  phaseSchema.extend({ kind: z.literal('phase_added') }),
  phaseEditRequest.extend({ kind: z.literal('phase_edited'), start: date }),
  z.strictObject({ kind: z.literal('phase_deleted'), start: date }),
])
export type AmendmentRequest = z.infer<typeof amendmentChangeSchema>

const state = z.object({
  end_date: z.string().nullable(),
  renewal: z.enum(['auto_renew', 'end']),
  end_proration: z.enum(['prorate', 'none']),
  phases: z.array(z.unknown()),
})

export const amendmentJson = z.object({
  id: z.string(),
  contract_id: z.string(),
  version: z.number().int().describe('1, 2, … per contract'),
  kind: z.enum(['end_date', 'terminate', 'phase_added', 'phase_edited', 'phase_deleted']),
  actor: z.string().describe('`api_key:<id>` or `admin`'),
  at: z.string().describe("When, by the server's clock"),
  request: z.record(z.string(), z.unknown()),
  before: state,
  after: state,
})
export const amendmentListJson = z.object({ data: z.array(amendmentJson) })

export const amendmentPreviewJson = z.object({
  after: state.describe('The amended parts of the contract, as they would be stored'),
  invoice: contractPreviewJson
    .nullable()
    .describe(
      'The invoice the change lands on (the next one to bill the period it starts in), priced with the amended contract; its `proration` lines credit and charge the change',
    ),
})

export function amendmentToJson(a: Amendment): z.infer<typeof amendmentJson> {
  return {
    id: a.id,
    contract_id: a.contractId,
    version: a.version,
    kind: a.kind,
    actor: a.actor,
    at: a.at,
    request: a.request,
    before: a.before,
    after: a.after,
  }
}
