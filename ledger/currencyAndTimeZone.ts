// Validation of the two settings that later decide money and periods: the invoice currency
// (its minor units fix rounding) and the time zone billing periods are cut in. Both are 422s:
// the request is well-formed (a string), its content names no currency or zone. The currency
// rule is the organisation's one currency table (`platform/currency.ts`: ISO 4217 plus its
// declared currencies, ledger/currencies.ts) that prices and plans are checked against too, so
// a customer cannot be created in a currency no plan could bill.
import { boundedMemo } from '../platform/boundedMemo.ts'
import { UnprocessableError } from '../platform/errors.ts'

/**
 * Valid names already checked, by the spelling given: building an `Intl.DateTimeFormat` costs
 * tens of microseconds, and every customer and contract create checks its zone (a bulk import
 * of 100k customers checked "UTC" 100k times: the project's hottest function in the stage-8
 * profile, issue 20). A rejected name throws, so it is checked again each time.
 */
const checkedZones = boundedMemo<string>(1_000)

/**
 * Accepts an IANA time zone name (`Europe/Paris`, `UTC`) and returns the spelling to store.
 * `Intl.DateTimeFormat` is the validator because it is the same tz database every later
 * date computation in Node uses. Offsets such as `+05:30` are rejected: they are not zones
 * (no daylight-saving rules), and newer V8 versions accept them, so we refuse explicitly.
 */
export function normaliseTimeZone(timeZone: string, field = 'time_zone'): string {
  return checkedZones(timeZone, () => checkTimeZone(timeZone, field))
}

function checkTimeZone(timeZone: string, field: string): string {
  const invalid = () =>
    new UnprocessableError('invalid_time_zone', `time zone must be an IANA name, got "${timeZone}"`, [
      { field, code: 'invalid_time_zone', message: 'expected an IANA time zone such as Europe/Paris or UTC' },
    ])
  if (timeZone === '' || /^[+-]/.test(timeZone)) throw invalid()
  let resolved: string
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone
  } catch {
    throw invalid()
  }
  // Keep the caller's name (ICU would turn `Asia/Kolkata` into the legacy `Asia/Calcutta`)
  // but take ICU's capitalisation when the two differ only in case (`utc` → `UTC`), because
  // ClickHouse and other consumers match zone names case-sensitively.
  return resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone
}
