// The rating periods over HTTP suite on embedded Tally (PGlite).
import { describeRatingPeriodSuite } from './ratingPeriodSuite.ts'

describeRatingPeriodSuite('PGlite', async () => ({}))
