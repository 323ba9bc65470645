import { postgresDatabase } from './sourceDatabases.ts'
import { sourceContractSuite } from './sourceContractSuite.ts'

sourceContractSuite('postgres', postgresDatabase)
