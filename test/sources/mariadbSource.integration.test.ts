import { mariadbDatabase } from './sourceDatabases.ts'
import { sourceContractSuite } from './sourceContractSuite.ts'

sourceContractSuite('mariadb', mariadbDatabase)
