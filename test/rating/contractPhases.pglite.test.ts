// The contract phases over HTTP suite on embedded Tally (PGlite).
import { describeContractPhasesSuite } from './contractPhasesSuite.ts'

describeContractPhasesSuite('PGlite', async () => ({}))
