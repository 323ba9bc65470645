// The contract amendments suite on embedded Tally (PGlite).
import { describeAmendmentsSuite } from './amendmentsSuite.ts'

describeAmendmentsSuite('PGlite', async () => ({}))
