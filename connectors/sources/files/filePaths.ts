// Where a `files` source's rows are: its path (a file, a directory or a glob) resolved inside
// the one directory the operator allowed (TALLY_SOURCE_FILES_ROOT), and the format they are in.
//
// The path comes from an API caller and is hostile until proven otherwise: it is refused when it
// has `..` segments, control characters or a backslash, and every directory and file it reaches
// is resolved with realpath (symlinks followed) and must lie under the root's realpath. DuckDB is
// also told the root is the only directory it may open (filesSource.ts), a second wall behind
// this one. File names reach DuckDB as a bound list parameter, never spliced into SQL.
import { readdirSync, realpathSync, statSync } from 'node:fs'
import { basename, isAbsolute, join, resolve, sep } from 'node:path'
import { UnavailableError, UnprocessableError } from '../../../platform/errors.ts'

export const FILE_FORMATS = ['csv', 'ndjson', 'parquet'] as const
export type FileFormat = (typeof FILE_FORMATS)[number]

export interface FilesLocation {
  /** As given: relative to the root, or absolute inside it; may hold `*`, `?`, `[…]`, `**`. */
  path: string
  /** Absent: from the files' extensions (`.csv`/`.tsv`, `.ndjson`/`.jsonl`/`.json`, `.parquet`; `.gz`/`.zst` after them). */
  format?: FileFormat | undefined
}

export interface ResolvedFiles {
  /** Real absolute paths, sorted; at least one. */
  files: string[]
  format: FileFormat
  /** The one table the connection is: the file's name without extensions, else the directory's (the glob's) name. */
  table: string
}

/** Most files one connection reads (the list is bound as one parameter). */
export const MAX_FILES = 100_000

const GLOB_CHARS = /[*?[]/

export const filesError = (code: string, message: string) => new UnprocessableError(code, message, [{ field: 'path', code, message }])

/** The format a file name says, or null. */
export function formatOfName(name: string): FileFormat | null {
  const base = name.toLowerCase().replace(/\.(gz|zst)$/, '')
  if (base.endsWith('.csv') || base.endsWith('.tsv')) return 'csv'
  if (base.endsWith('.ndjson') || base.endsWith('.jsonl') || base.endsWith('.json')) return 'ndjson'
  if (base.endsWith('.parquet')) return 'parquet'
  return null
}

/** The root's realpath: 503 `source_files_root_missing` when it is not configured or not a directory. */
export function filesRoot(root: string | undefined): string {
  const missing = (why: string) =>
    new UnavailableError(
      'source_files_root_missing',
      `${why}: set TALLY_SOURCE_FILES_ROOT to the directory files sources may read (nothing outside it is ever opened)`,
      60,
    )
  if (root === undefined) throw missing('TALLY_SOURCE_FILES_ROOT is not set')
  try {
    const real = realpathSync(root)
    if (!statSync(real).isDirectory()) throw missing(`TALLY_SOURCE_FILES_ROOT ${root} is not a directory`)
    return real
  } catch (err) {
    if (err instanceof UnavailableError) throw err
    throw missing(`TALLY_SOURCE_FILES_ROOT ${root} does not exist`)
  }
}

export function isInside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep)
}

/** The path's text, refused before it touches the file system: 422 `source_path_invalid`. */
export function checkPathText(path: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) throw filesError('source_path_invalid', 'the path holds control characters')
  if (path.includes('\\')) throw filesError('source_path_invalid', 'the path holds a backslash; use `/` between directories')
  if (path.split('/').includes('..'))
    throw filesError('source_path_invalid', 'the path holds a `..` segment; give it relative to TALLY_SOURCE_FILES_ROOT without one')
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw filesError('source_path_invalid', 'only local paths and s3:// (with an endpoint) are read, not other URLs')
}

function realInside(root: string, path: string, shown: string): string {
  let real: string
  try {
    real = realpathSync(path)
  } catch {
    throw filesError('source_file_not_found', `nothing at ${shown} under TALLY_SOURCE_FILES_ROOT`)
  }
  if (!isInside(root, real))
    throw filesError('source_path_outside_root', `${shown} leads outside TALLY_SOURCE_FILES_ROOT (a symlink or an absolute path elsewhere)`)
  return real
}

/** Where the path points and in what format; `glob` lists a pattern's matches (DuckDB's glob, inside the root). */
export async function resolveFiles(
  rootSetting: string | undefined,
  location: FilesLocation,
  glob: (pattern: string) => Promise<string[]>,
): Promise<ResolvedFiles> {
  const root = filesRoot(rootSetting)
  checkPathText(location.path)
  const absolute = isAbsolute(location.path) ? resolve(location.path) : resolve(root, location.path)
  const segments = absolute.split('/')
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s))
  const prefix = firstGlob < 0 ? absolute : segments.slice(0, firstGlob).join('/') || '/'
  const base = realInside(root, prefix, location.path)

  let candidates: string[]
  let table: string
  let named = false
  if (firstGlob >= 0) {
    const matches = await glob(join(base, ...segments.slice(firstGlob)))
    candidates = matches.map((m) => realInside(root, m, location.path)).filter((m) => statSync(m).isFile())
    table = basename(base)
  } else if (statSync(base).isDirectory()) {
    candidates = readdirSync(base)
      .filter((name) => !name.startsWith('.'))
      .map((name) => realInside(root, join(base, name), location.path))
      .filter((m) => statSync(m).isFile())
    table = basename(base)
  } else {
    candidates = [base]
    named = true
    table = basename(base).replace(/\..*$/, '') || basename(base)
  }
  // A directory or glob holds what its format allows; a file named outright is read as it is.
  const files = [...new Set(named ? candidates : candidates.filter((f) => location.format !== undefined || formatOfName(f) !== null))].sort()
  if (files.length === 0) throw filesError('source_file_not_found', `no ${location.format ?? 'CSV, NDJSON or Parquet'} files at ${location.path}`)
  if (files.length > MAX_FILES) throw filesError('source_path_invalid', `${files.length} files at ${location.path}; at most ${MAX_FILES} per connection`)
  return { files, format: location.format ?? formatOf(files, location.path), table }
}

/** The one format the files' names say; 422 `source_format_unknown` when they say several or none. */
export function formatOf(files: string[], shown: string): FileFormat {
  const formats = new Set(files.map(formatOfName))
  const [only] = formats
  if (formats.size === 1 && only !== null && only !== undefined) return only
  throw filesError(
    'source_format_unknown',
    formats.size > 1
      ? `the files at ${shown} are of several formats (${[...formats].map((f) => f ?? 'unknown').join(', ')}); point the path at one kind, or give format`
      : `the format of ${shown} is not one Tally reads by its name (.csv, .tsv, .ndjson, .jsonl, .json, .parquet); give format: csv, ndjson or parquet`,
  )
}
