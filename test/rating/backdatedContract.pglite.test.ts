// The back-dated contracts over HTTP suite on embedded Tally (PGlite).
import { describeBackdatedContractSuite } from './backdatedContractSuite.ts'

describeBackdatedContractSuite('PGlite', async () => ({}))
