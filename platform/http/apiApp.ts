// A route module's app: routes declared with apiRoute and registered with `app.openapi`, whose
// validation failures become the API's 400 answer, with one detail per failing field in the
// one field-path format (`tiers[2].up_to`).
import { OpenAPIHono } from '@hono/zod-openapi'
import type { z } from 'zod'
import { ValidationError } from '../errors.ts'
import { detailSummary, issueDetails } from '../issueDetails.ts'
import type { AppEnv } from './appEnv.ts'

const PART = { json: 'request body', query: 'query string', param: 'path', header: 'headers', cookie: 'cookies', form: 'form' } as const

export interface ApiAppOptions {
  /**
   * The code of a refused query string, for every detail as well (the metering reads answer
   * `invalid_query`); otherwise `invalid_request` with each problem's own code.
   */
  queryErrorCode?: string
}

/** The 400 of a request part its schema refuses. */
export function refusedInput(target: keyof typeof PART, error: z.ZodError, options: ApiAppOptions = {}): ValidationError {
  const own = target === 'query' ? options.queryErrorCode : undefined
  const details = issueDetails(error.issues).map((d) => (own === undefined ? d : { ...d, code: own }))
  return new ValidationError(own ?? 'invalid_request', `The ${PART[target]} is invalid: ${detailSummary(details)}`, details)
}

export function apiApp(options: ApiAppOptions = {}): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw refusedInput(result.target, result.error, options)
    },
  })
}
