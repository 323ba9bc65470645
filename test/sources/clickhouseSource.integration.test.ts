import { clickhouseDatabase } from './clickhouseDatabase.ts'
import { sourceContractSuite } from './sourceContractSuite.ts'

sourceContractSuite('clickhouse (its HTTP interface over chDB)', clickhouseDatabase)
