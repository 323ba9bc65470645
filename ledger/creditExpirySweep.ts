// The scheduled credit-expiry sweep: every active credit grant whose expiry date has come (on or
// before the clock's UTC date; the expiry date is the first day it can no longer be drawn) is
// expired, with an `expire` entry of what lapsed dated its expiry date (creditGrants.ts
// `expire`, under each grant's row lock). Run by the scheduled jobs under their own leader lock
// (app/scheduledJobs.ts); a grant already expired or voided is left as it is, so a pass run
// twice, or racing `POST /v1/credits/expire`, expires each grant once. Credit grants post no
// journal entries (accounting/ journals invoices, credit notes and payments), so neither does this.
import type { Clock } from '../platform/clock.ts'
import type { Logger } from '../platform/logger.ts'
import type { CreditGrantRepository } from './creditGrants.ts'

export interface CreditExpirySweepDeps {
  creditGrants: Pick<CreditGrantRepository, 'expireDue'>
  clock: Clock
  logger: Logger
}

/** One pass: the grants it expired now (none when nothing was due or a previous pass took them). */
export async function sweepCreditExpiries(deps: CreditExpirySweepDeps): Promise<{ asOf: string; expired: number }> {
  const now = deps.clock.now()
  const asOf = now.toISOString().slice(0, 10)
  const expired = await deps.creditGrants.expireDue(asOf, now)
  if (expired.length > 0) deps.logger.info({ asOf, expired: expired.length, grants: expired.map((g) => g.id) }, 'credit grants expired')
  return { asOf, expired: expired.length }
}
