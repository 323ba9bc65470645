// The clock timestamps suite on embedded Tally (PGlite).
import { describeClockTimestampsSuite } from './clockTimestampsSuite.ts'

describeClockTimestampsSuite('PGlite', async () => ({}))
