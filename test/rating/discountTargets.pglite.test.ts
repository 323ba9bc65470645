// The discount targets over HTTP suite on embedded Tally (PGlite).
import { describeDiscountTargetsSuite } from './discountTargetsSuite.ts'

describeDiscountTargetsSuite('PGlite', async () => ({}))
