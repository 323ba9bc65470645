// The API's error codes as sentences a person acts on. The code is shown beside the sentence,
// so a message here never hides what the API said; an unknown code shows the API's own message.
import type { ApiErrorBody } from './apiClient.ts'

const MESSAGES: Record<string, string> = {
  invalid_api_key: 'That key is unknown or has been revoked. Create a new one with `tally keys create`.',
  missing_api_key: 'Enter an API key.',
  organisation_mismatch: 'The key belongs to another organisation than the one named.',
  organisation_required: 'The admin token acts on one organisation at a time: enter its id, or open one from Organisations (/console/admin).',
  admin_required: 'Organisations and API keys are managed with the admin token: sign in with it, naming no organisation.',
  invoice_not_found: 'This invoice does not exist in your organisation.',
  invoice_not_finalizable: 'This invoice cannot be finalized in its current state.',
  invoice_not_voidable: 'This invoice cannot be voided in its current state.',
  invoice_not_payable: 'This invoice cannot take a payment in its current state.',
  invoice_not_creditable: 'This invoice cannot take a credit note in its current state.',
  invoice_has_payments: 'The invoice has payments: refund them with a credit note instead.',
  nothing_to_credit: 'Everything on this invoice has already been credited.',
  invoice_not_reissuable: 'Only a void invoice whose period no other live invoice bills can be reissued.',
  nothing_to_bill: 'Nothing is owed for this period now, so there is nothing to reissue.',
  invalid_amount: 'An amount is not valid for this invoice: it must be above zero, with at most the currency’s decimals.',
  overpayment: 'The payment is more than what is due on this invoice; enter at most the balance due.',
  currency_mismatch: 'The currency differs from the invoice’s.',
  invalid_invoice_input: 'The pricing engine refused this invoice; each field is listed below.',
  metric_unavailable: 'A metric could not be run (ClickHouse refused or is unreachable); nothing was written. Try again.',
  unknown_tax_rate: 'This tax rate is not one of your organisation’s live rates (archived rates cannot be chosen): pick one from the list.',
  customer_not_found: 'This customer does not exist in your organisation: create it first.',
  plan_not_found: 'This plan does not exist in your organisation.',
  product_not_found: 'This product does not exist in your organisation.',
  invalid_json: 'A JSON field is not valid JSON.',
  invalid_template: 'The metric’s SQL was refused; each problem is listed with its line and column.',
  billable_metric_exists: 'A billable metric with this name exists already: open it and save a new version.',
  billable_metric_not_found: 'This billable metric does not exist (or was deleted).',
  billable_metric_version_conflict: 'Someone saved a version at the same time; reload and apply your change again.',
  sandbox_limit_exceeded: 'The query hit a sandbox limit (time, memory or rows); narrow the period or the customers.',
  query_failed: 'ClickHouse refused the query.',
  contract_not_found: 'This contract does not exist in your organisation.',
  invalid_request: 'Some fields are not valid.',
  route_not_found: 'This part of the API is not served by this process.',
  console_csrf: 'The form had expired. Reload the page and try again.',
}

export function readableError(error: Pick<ApiErrorBody, 'code' | 'message'> & { hint?: unknown }): string {
  const known = MESSAGES[error.code]
  const hint = typeof error.hint === 'string' ? ` ${error.hint}` : ''
  if (known === undefined) return error.message + hint
  return known + hint
}
