// The unbilled late usage over HTTP suite on embedded Tally (PGlite).
import { describeUnbilledLateUsageSuite } from './unbilledLateUsageSuite.ts'

describeUnbilledLateUsageSuite('PGlite', async () => ({}))
