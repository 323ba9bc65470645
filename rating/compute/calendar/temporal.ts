// The one place the Temporal API comes from. Node 20 and 22 ship no global `Temporal`, so the
// calendar uses temporal-polyfill (spec-compliant, ISO calendar, time zones from the runtime's
// ICU data: the same tz database ledger/ validates zone names against). When the runtime
// ships Temporal, this file is the only one to change.
export { Temporal } from 'temporal-polyfill'
