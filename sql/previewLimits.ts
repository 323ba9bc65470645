// Limits for the statements a person waits on (validate, preview, format), lower than a rating
// run's. NOTE: the embedded engine runs one statement at a time and cannot interrupt one, so a
// preview's max_execution_time is also how long ingest and every other organisation may wait
// behind it (platform/clickhouse/serialChdbConnection.ts). Rating keeps DEFAULT_LIMITS: a
// billing run over a month of events may need the time, and it runs on a schedule, not in a
// request. Figures in sql/README.md ("Sharing the embedded engine").
import { DEFAULT_LIMITS, type SandboxLimits } from './sandbox.ts'

export const PREVIEW_LIMITS: SandboxLimits = {
  ...DEFAULT_LIMITS,
  maxExecutionSeconds: 5,
}
