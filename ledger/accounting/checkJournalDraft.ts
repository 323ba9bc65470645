// What a journal entry draft must be before it reaches the database: a known source, a real
// date, at least one line, positive decimal amounts, and per currency debits equal to credits.
// The database enforces the balance again at commit (migration 0009); checking here first gives
// the caller a 422 naming the currency instead of a failed commit.
import { Dec } from '../../platform/decimal.ts'
import { UnprocessableError, ValidationError, type ErrorDetail } from '../../platform/errors.ts'
import { isDecimalText } from '../../platform/decimalText.ts'
import { assertDate } from '../contracts.ts'
import { assertOrgId } from '../ids.ts'
import { imbalances } from './compute/balancedEntry.ts'
import { JOURNAL_SOURCE_KINDS, type JournalEntryDraft } from './compute/journalDraft.ts'

/** Longest `source.key` (an id, or an id and a period). */
export const MAX_SOURCE_KEY_LENGTH = 200

function invalid(field: string, code: string, message: string): ValidationError {
  return new ValidationError('invalid_request', `${field} ${message}`, [{ field, code, message }])
}

export function checkJournalDraft(draft: JournalEntryDraft): void {
  assertOrgId(draft.orgId)
  if (!JOURNAL_SOURCE_KINDS.includes(draft.source.kind)) {
    throw invalid('source.kind', 'invalid_source_kind', `must be one of ${JOURNAL_SOURCE_KINDS.join(', ')}`)
  }
  if (draft.source.key.length === 0 || draft.source.key.length > MAX_SOURCE_KEY_LENGTH) {
    throw invalid('source.key', 'invalid_source_key', `must be 1 to ${MAX_SOURCE_KEY_LENGTH} characters`)
  }
  assertDate(draft.postedOn, 'posted_on')
  if (draft.lines.length === 0) {
    throw new UnprocessableError('journal_unbalanced', `journal entry ${draft.source.kind} ${draft.source.key} has no lines`, [
      { field: 'lines', code: 'journal_unbalanced', message: 'an entry has at least one debit and one credit' },
    ])
  }
  draft.lines.forEach((line, i) => {
    if (line.side !== 'debit' && line.side !== 'credit') throw invalid(`lines[${i}].side`, 'invalid_side', 'must be debit or credit')
    if (!isDecimalText(line.amount) || !new Dec(line.amount).greaterThan(0)) {
      const message = `must be a decimal string greater than zero, got ${String(line.amount)}`
      throw new UnprocessableError('invalid_amount', `lines[${i}].amount ${message}`, [{ field: `lines[${i}].amount`, code: 'invalid_amount', message }])
    }
  })
  const details: ErrorDetail[] = imbalances(draft.lines).map(({ currency, rest }) => ({
    field: 'lines',
    code: 'journal_unbalanced',
    message: rest.isPositive()
      ? `${currency}: debits exceed credits by ${rest.toFixed()}`
      : `${currency}: credits exceed debits by ${rest.negated().toFixed()}`,
  }))
  if (details.length > 0) {
    throw new UnprocessableError('journal_unbalanced', `journal entry ${draft.source.kind} ${draft.source.key} does not balance`, details)
  }
}
