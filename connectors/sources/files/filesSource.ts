// The files source: CSV, NDJSON and Parquet under TALLY_SOURCE_FILES_ROOT, read by DuckDB
// (@duckdb/node-api). One in-memory DuckDB per use, locked down before any file is named: time
// zone UTC, the root (and a private spill directory) its only allowed directories, external
// access off, extensions never installed or loaded from anywhere, the configuration locked.
// Nothing a caller gives runs as SQL: the file list, the cursor bound and JSON keys are bound
// parameters, column names are quoted identifiers, and a job's `query` is refused.
//
// Values come back as text with their digits: CSV is read all-VARCHAR (the file's own text),
// Parquet columns are CAST to VARCHAR (DECIMAL exact; a DOUBLE's shortest round-trip text), and
// NDJSON lines come back raw and are parsed here without a JS number (DuckDB's JSON reader would
// turn 12345678901234567890.123456789 into a double). A time cursor is compared, ordered and
// answered as TIMESTAMPTZ in UTC; a number cursor compares as DECIMAL(38,10).
//
// Memory: the result streams chunk by chunk (DuckDB's streaming result, 2,048 rows a chunk) and
// the caller holds one batch; DuckDB's own sort for ORDER BY is bounded by its memory limit and
// spills to the private directory, which is removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance, LIST, listValue, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api'
import { parseJsonLossless } from '../../../ingest/envelope/losslessJson.ts'
import { jsonText } from '../jsonText.ts'
import { TallyError, UnprocessableError } from '../../../platform/errors.ts'
import type { CursorBound, SourceColumn, SourceDriver, SourceFrom } from '../sourceDriver.ts'
import { quoteWith } from '../sourceErrors.ts'
import { filesError, filesRoot, resolveFiles, type FileFormat, type FilesLocation, type ResolvedFiles } from './filePaths.ts'
import type { S3Endpoint } from './s3Client.ts'
import { fetchS3Files, isS3Path } from './s3Files.ts'

export interface FilesAddress extends FilesLocation {
  /** TALLY_SOURCE_FILES_ROOT; absent refuses every local path (503 `source_files_root_missing`). */
  root: string | undefined
  /** Where an `s3://` path is read from (endpoint, region, keys); required for one. */
  s3?: S3Endpoint | undefined
}

/** Rows sampled to tell a text column of times (an NDJSON timestamp) from other text. */
const TIME_SAMPLE_ROWS = 1_000

/** DuckDB's memory for one use (its sort spills past it). */
const MEMORY_LIMIT = '512MB'

const quote = quoteWith('"')
const literal = (text: string) => `'${text.split("'").join("''")}'`

const TIME_TYPES = /^(DATE|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE)$/
const NUMBER_TYPES = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$/

export function cursorTypeOfDuckdb(type: string): SourceColumn['cursorType'] {
  return TIME_TYPES.test(type) ? 'time' : NUMBER_TYPES.test(type) ? 'number' : null
}

/** DuckDB's exception type (the message's `IO Error:` …) → a stable code. */
function classify(err: unknown): unknown {
  if (err instanceof TallyError) return err
  const message = err instanceof Error ? err.message : String(err)
  const first = message.split('\n')[0]!
  if (message.startsWith('Permission Error')) return filesError('source_path_outside_root', `${first}: only files under TALLY_SOURCE_FILES_ROOT are read`)
  if (message.startsWith('IO Error: No files found')) return filesError('source_file_not_found', first)
  if (/^(IO|Invalid Input|Conversion|Invalid|Parser) Error/.test(message) || message.includes('sniff')) {
    return new UnprocessableError(
      'source_file_unreadable',
      `${first}: check the files are the format the connection says (csv, ndjson or parquet) and well formed`,
    )
  }
  return new UnprocessableError('source_query_failed', `${first}: check the mapping against the columns \`tally sources discover\` lists`)
}

/** Positional parameters in the order they are bound. */
class Params {
  readonly values: DuckDBValue[] = []
  readonly types: DuckDBType[] = []
  bind(value: DuckDBValue, type: DuckDBType = VARCHAR): string {
    this.values.push(value)
    this.types.push(type)
    return `$${this.values.length}`
  }
}

/** The table function over the files: `typed` for their columns' types, else as read (text). */
function scan(format: FileFormat, files: string, typed: boolean): string {
  if (format === 'csv') return `read_csv(${files}, union_by_name = true${typed ? '' : ', all_varchar = true'})`
  if (format === 'parquet') return `read_parquet(${files}, union_by_name = true)`
  return typed ? `read_json(${files}, format = 'newline_delimited', union_by_name = true)` : `read_json_objects(${files}, format = 'newline_delimited')`
}

interface Query {
  sql: string
  params: Params
}

/** A column's value as read (before any cast): the column, or for NDJSON the key's text in the line. */
function raw(format: FileFormat, column: string, params: Params): string {
  return format === 'ndjson' ? `(src.json ->> ${params.bind(`$."${column.replace(/["\\]/g, (c) => `\\${c}`)}"`)})` : `src.${quote(column)}`
}

function cursorValue(type: 'time' | 'number', expression: string): string {
  return type === 'time' ? `CAST(${expression} AS TIMESTAMPTZ)` : `CAST(${expression} AS DECIMAL(38,10))`
}

function cursorBound(type: 'time' | 'number', params: Params, bound: string): string {
  return cursorValue(type, params.bind(bound))
}

interface OpenFiles {
  connection: DuckDBConnection
  resolved: ResolvedFiles
  close(): void
}

/** An S3 path's objects fetched into a private directory (s3Files.ts), and what they are. */
interface S3Copies {
  dir: string
  resolved: Promise<ResolvedFiles>
}

/**
 * A locked-down in-memory DuckDB with the address's files resolved; `close` also removes its spill
 * directory. An S3 path's objects are read from their local copies (`copies`), whose directory is
 * then the only other one DuckDB may open: such a source needs no TALLY_SOURCE_FILES_ROOT and reads
 * nothing of it.
 */
async function openFiles(address: FilesAddress, copies: (s3: S3Endpoint) => S3Copies): Promise<OpenFiles> {
  const s3 = isS3Path(address.path) ? address.s3 : undefined
  if (s3 !== undefined && (s3.endpoint === '' || s3.credentials.accessKeyId === '' || s3.credentials.secretAccessKey === '')) {
    throw filesError('source_path_invalid', 'an s3:// path needs endpoint, access_key_id and secret_access_key')
  }
  if (isS3Path(address.path) && s3 === undefined) throw filesError('source_path_invalid', 'an s3:// path needs endpoint, access_key_id and secret_access_key')
  if (!isS3Path(address.path) && address.s3 !== undefined) throw filesError('source_path_invalid', 'endpoint and keys are for an s3:// path, not a local one')
  const copy = s3 === undefined ? null : copies(s3)
  const root = copy === null ? filesRoot(address.root) : copy.dir
  const spill = mkdtempSync(join(tmpdir(), 'tally-duckdb-'))
  let instance: DuckDBInstance | undefined
  let connection: DuckDBConnection | undefined
  const close = () => {
    connection?.closeSync()
    instance?.closeSync()
    rmSync(spill, { recursive: true, force: true })
  }
  try {
    instance = await DuckDBInstance.create(':memory:', {
      memory_limit: MEMORY_LIMIT,
      temp_directory: spill,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    })
    const c = await instance.connect()
    connection = c
    await c.run("SET TimeZone = 'UTC'")
    await c.run(`SET allowed_directories = [${literal(`${root}/`)}, ${literal(`${spill}/`)}]`)
    await c.run('SET enable_external_access = false')
    await c.run('SET lock_configuration = true')
    const resolved =
      copy !== null
        ? await copy.resolved
        : await resolveFiles(address.root, address, async (pattern) =>
            (await c.runAndReadAll('SELECT file FROM glob($1)', [pattern])).getRows().map((r) => String(r[0])),
          )
    return { connection: c, resolved, close }
  } catch (err) {
    close()
    throw classify(err)
  }
}

export function openFilesSource(address: FilesAddress): SourceDriver {
  let s3Copies: S3Copies | null = null
  /**
   * An S3 path's objects are listed and fetched once per driver, at its first use: a sync run's
   * column check, read and counts see one listing and fetch each object once. `close` removes them.
   */
  function copies(s3: S3Endpoint): S3Copies {
    if (s3Copies === null) {
      const dir = mkdtempSync(join(tmpdir(), 'tally-s3-objects-'))
      const resolved = fetchS3Files(s3, address, dir)
      // Seen by every use that awaits it; until then a failed fetch must not be an unhandled rejection.
      resolved.catch(() => undefined)
      s3Copies = { dir, resolved }
    }
    return s3Copies
  }

  /** The files open for `use`, closed after it. */
  async function withFiles<T>(use: (connection: DuckDBConnection, resolved: ResolvedFiles) => Promise<T>): Promise<T> {
    const files = await openFiles(address, copies)
    try {
      return await use(files.connection, files.resolved)
    } catch (err) {
      throw classify(err)
    } finally {
      files.close()
    }
  }

  /** The connection is one table: `from` must name it (`name` or `format.name`); a query is refused. */
  function checkFrom(from: SourceFrom, resolved: ResolvedFiles): void {
    if ('query' in from) {
      throw new UnprocessableError(
        'source_query_unsupported',
        `a files source is read as a table, not by a query: give table "${resolved.table}" (its columns are what \`tally sources discover\` lists)`,
        [{ field: 'query', code: 'source_query_unsupported', message: 'files sources take table' }],
      )
    }
    if (from.table !== resolved.table && from.table !== `${resolved.format}.${resolved.table}`) {
      throw new UnprocessableError(
        'source_table_not_found',
        `this files source is one table, "${resolved.table}" (${resolved.files.length} ${resolved.format} file(s)), not "${from.table}"`,
        [{ field: 'table', code: 'source_table_not_found', message: `the table is ${resolved.table}` }],
      )
    }
  }

  function filesParam(params: Params, resolved: ResolvedFiles): string {
    return params.bind(listValue(resolved.files), LIST(VARCHAR))
  }

  /** The files' columns with DuckDB's types; a text column whose sampled values are all times can be a time cursor (JSON has no time type). */
  async function describe(connection: DuckDBConnection, resolved: ResolvedFiles): Promise<SourceColumn[]> {
    const params = new Params()
    const typed = scan(resolved.format, filesParam(params, resolved), true)
    const rows = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${typed} AS src`, params.values, params.types)).getRows()
    const columns = rows.map((r) => ({ name: String(r[0]), type: String(r[1]), cursorType: cursorTypeOfDuckdb(String(r[1])) }))
    const texts = columns.filter((c) => c.type === 'VARCHAR')
    if (texts.length === 0) return columns
    const checks = texts.map((c) => `count(src.${quote(c.name)}) > 0 AND count(src.${quote(c.name)}) = count(TRY_CAST(src.${quote(c.name)} AS TIMESTAMPTZ))`)
    const sample = `SELECT ${checks.join(', ')} FROM (SELECT * FROM ${typed} LIMIT ${TIME_SAMPLE_ROWS}) AS src`
    const [times] = (await connection.runAndReadAll(sample, params.values, params.types)).getRows()
    texts.forEach((c, i) => {
      if (times?.[i] === true) c.cursorType = 'time'
    })
    return columns
  }

  return {
    test: () =>
      withFiles(async (connection, resolved) => {
        await describe(connection, resolved)
        const version = String((await connection.runAndReadAll('SELECT version()')).getRows()[0]![0])
        const n = resolved.files.length
        return { serverVersion: `DuckDB ${version}, ${n} ${resolved.format} file${n === 1 ? '' : 's'}`, readOnlyTransaction: true, readableTables: 1 }
      }),

    discover: () =>
      withFiles(async (connection, resolved) => [{ schema: resolved.format, name: resolved.table, columns: await describe(connection, resolved) }]),

    columns: (from) =>
      withFiles(async (connection, resolved) => {
        checkFrom(from, resolved)
        return describe(connection, resolved)
      }),

    read: (request) => readBatches(request),

    countBelow: (from: SourceFrom, cursor: CursorBound) =>
      withFiles(async (connection, resolved) => {
        checkFrom(from, resolved)
        const params = new Params()
        const files = filesParam(params, resolved)
        const value = cursorValue(cursor.type, raw(resolved.format, cursor.column, params))
        const sql = `SELECT CAST(COUNT(*) AS VARCHAR) FROM ${scan(resolved.format, files, false)} AS src WHERE ${value} < ${cursorBound(cursor.type, params, cursor.bound)}`
        return String((await connection.runAndReadAll(sql, params.values, params.types)).getRows()[0]![0])
      }),

    close: async () => {
      const dir = s3Copies?.dir
      s3Copies = null
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    },
  }

  async function* readBatches(request: Parameters<SourceDriver['read']>[0]): AsyncIterable<Array<Array<string | null>>> {
    const { connection, resolved, close } = await openFiles(address, copies)
    try {
      checkFrom(request.from, resolved)
      const query = selectRows(resolved, request)
      const result = await connection.stream(query.sql, query.params.values, query.params.types).catch((err: unknown) => {
        throw classify(err)
      })
      const toRow = rowReader(resolved.format, request)
      let batch: Array<Array<string | null>> = []
      for (;;) {
        // The next chunk is fetched only when the consumer asked for the next batch.
        const chunk = await result.fetchChunk().catch((err: unknown) => {
          throw classify(err)
        })
        if (chunk === null || chunk.rowCount === 0) break
        for (const row of chunk.getRows()) {
          batch.push(toRow(row))
          if (batch.length < request.batchRows) continue
          yield batch
          batch = []
        }
      }
      if (batch.length > 0) yield batch
    } finally {
      close()
    }
  }
}

/** The SELECT of a read: the columns as text (NDJSON: the time cursor and the raw line), at or above the cursor's bound, in cursor order. */
function selectRows(resolved: ResolvedFiles, request: Parameters<SourceDriver['read']>[0]): Query {
  const { format } = resolved
  const params = new Params()
  const files = params.bind(listValue(resolved.files), LIST(VARCHAR))
  const cursor = request.cursor
  const cursorRaw = cursor === undefined ? null : raw(format, cursor.column, params)
  const textOf = (column: string) =>
    cursor !== undefined && column === cursor.column && cursor.type === 'time'
      ? `CAST(${cursorValue('time', cursorRaw!)} AS VARCHAR)`
      : format === 'ndjson'
        ? null
        : `CAST(src.${quote(column)} AS VARCHAR)`
  const selected =
    format === 'ndjson' ? [cursor?.type === 'time' ? textOf(cursor.column)! : 'NULL', 'CAST(src.json AS VARCHAR)'] : request.columns.map((c) => textOf(c)!)
  let sql = `SELECT ${selected.join(', ')} FROM ${scan(format, files, false)} AS src`
  if (cursor !== undefined) {
    const value = cursorValue(cursor.type, cursorRaw!)
    sql += cursor.from === null ? ` WHERE ${value} IS NOT NULL` : ` WHERE ${value} >= ${cursorBound(cursor.type, params, cursor.from)}`
    sql += ` ORDER BY ${value}`
  }
  return { sql, params }
}

/** A result row → the request's columns as text. */
function rowReader(format: FileFormat, request: Parameters<SourceDriver['read']>[0]): (row: DuckDBValue[]) => Array<string | null> {
  const text = (v: DuckDBValue) => (v === null ? null : String(v))
  if (format !== 'ndjson') return (row) => row.map(text)
  const timeCursor = request.cursor?.type === 'time' ? request.cursor.column : null
  return (row) => {
    const line = text(row[1]!)
    const parsed = line === null ? null : parseJsonLossless(line)
    const object = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
    return request.columns.map((c) => (c === timeCursor ? text(row[0]!) : Object.hasOwn(object, c) ? jsonText(object[c]) : null))
  }
}
