// The files source on an S3-compatible bucket passes the shared contract suite in the three
// layouts the local files pass it in, against a local s3rver the test starts and stops itself
// (s3Server.ts), with signed requests and no TALLY_SOURCE_FILES_ROOT.
import { s3FilesDatabase } from './s3FilesDatabase.ts'
import { sourceContractSuite } from './sourceContractSuite.ts'

sourceContractSuite('files on S3 (CSV, one object)', () => s3FilesDatabase('csv'))
sourceContractSuite('files on S3 (NDJSON, parts by a glob)', () => s3FilesDatabase('ndjson'))
sourceContractSuite('files on S3 (Parquet, a prefix of parts)', () => s3FilesDatabase('parquet'))
