// A files source's objects in an S3-compatible bucket (`s3://bucket/key`, `s3://bucket/dir/`,
// `s3://bucket/dir/*.parquet`), listed by prefix and streamed to a private local directory for
// DuckDB to read: DuckDB's own S3 reader is its `httpfs` extension, which it downloads at run time
// and which the lock-down forbids (filesSource.ts), so Tally fetches the objects itself. Each GET
// is piped to disk as it arrives (memory holds a socket buffer, never an object); the driver
// fetches once, at its first use, and removes the copies when it is closed (filesSource.ts).
//
// The same shapes as a local path: an exact key is one file read as it is; a prefix is a
// "directory" (its objects of the format, not recursing); a glob (`*`, `?`, `[…]`, `**`) matches
// whole keys. The table is the object's name without extensions, else the directory's.
import { createWriteStream, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { UnprocessableError } from '../../../platform/errors.ts'
import { isSocketError, sourceError } from '../sourceErrors.ts'
import { filesError, formatOf, formatOfName, MAX_FILES, type FilesLocation, type ResolvedFiles } from './filePaths.ts'
import { getObject, listObjects, S3Error, type S3Endpoint } from './s3Client.ts'

const S3_PATH = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/

export function isS3Path(path: string): boolean {
  return path.startsWith('s3://')
}

/** `s3://bucket/key` → bucket and key, refused (422 `source_path_invalid`) when it is not one. */
export function parseS3Path(path: string): { bucket: string; key: string } {
  const m = S3_PATH.exec(path)
  if (m === null) throw filesError('source_path_invalid', 'an S3 path is s3://bucket/key, s3://bucket/prefix/ or s3://bucket/prefix/*.parquet')
  const key = m[2]!
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) throw filesError('source_path_invalid', 'the key holds control characters or a backslash')
  if (key.split('/').some((s) => s === '.' || s === '..')) throw filesError('source_path_invalid', 'the key holds a `.` or `..` segment')
  return { bucket: m[1]!, key }
}

/** A glob over whole keys as a regex: `**` any run of characters, `*` and `?` within a segment, `[…]` a class. */
export function keyGlob(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*'
      i++
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end < 0) re += '\\['
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\')
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`
        i = end
      }
    } else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** An S3 failure as a source error: refused credentials 422 `source_auth_failed`, no bucket or key `source_file_not_found`, no answer `source_unreachable`. */
export function s3Problem(err: unknown): unknown {
  if (err instanceof UnprocessableError) return err
  if (err instanceof S3Error) {
    if (err.status === 0) return sourceError('source_unreachable', err)
    if (err.status === 403 || err.status === 401) return sourceError('source_auth_failed', err)
    if (err.s3Code === 'NoSuchBucket' || err.s3Code === 'NoSuchKey' || err.status === 404) return filesError('source_file_not_found', err.message)
    return sourceError('source_query_failed', err)
  }
  // A body cut off mid-stream (the socket reset while piping to disk).
  if (isSocketError(err)) return sourceError('source_unreachable', err)
  return sourceError('source_query_failed', err)
}

/** The objects the location names (listed now), each streamed into `dir`; the local copies in key order, their format and table. */
export async function fetchS3Files(s3: S3Endpoint, location: FilesLocation, dir: string): Promise<ResolvedFiles> {
  const { bucket, key } = parseS3Path(location.path)
  const segments = key.split('/')
  const firstGlob = segments.findIndex((s) => /[*?[]/.test(s))
  try {
    let keys: string[]
    let table: string
    let named = false
    if (firstGlob >= 0) {
      const prefix = segments.slice(0, firstGlob).join('/')
      const match = keyGlob(key)
      keys = (await listObjects(s3, { bucket, prefix: prefix === '' ? '' : `${prefix}/`, max: MAX_FILES })).map((o) => o.key).filter((k) => match.test(k))
      table = segments[firstGlob - 1] ?? bucket
    } else {
      const listed = (await listObjects(s3, { bucket, prefix: key, max: MAX_FILES })).map((o) => o.key)
      if (key !== '' && !key.endsWith('/') && listed.includes(key)) {
        keys = [key]
        named = true
        table = segments.at(-1)!.replace(/\..*$/, '') || segments.at(-1)!
      } else {
        const prefix = key === '' || key.endsWith('/') ? key : `${key}/`
        keys = listed.filter((k) => k.startsWith(prefix) && k.length > prefix.length && !k.slice(prefix.length).includes('/'))
        table = prefix.split('/').at(-2) || bucket
      }
    }
    keys = keys.filter((k) => named || location.format !== undefined || formatOfName(k) !== null).sort()
    if (keys.length === 0) throw filesError('source_file_not_found', `no ${location.format ?? 'CSV, NDJSON or Parquet'} objects at ${location.path}`)
    if (keys.length > MAX_FILES) throw filesError('source_path_invalid', `${keys.length} objects at ${location.path}; at most ${MAX_FILES} per connection`)
    const format = location.format ?? formatOf(keys, location.path)
    mkdirSync(dir, { recursive: true })
    const files: string[] = []
    for (const [i, k] of keys.entries()) {
      // The local name keeps the key's extensions (DuckDB tells .gz/.zst by them), nothing else of it.
      const file = join(
        dir,
        `${String(i).padStart(6, '0')}-${k
          .split('/')
          .at(-1)!
          .replace(/[^A-Za-z0-9._-]/g, '_')}`,
      )
      const body = await getObject(s3, { bucket, key: k })
      await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), createWriteStream(file))
      files.push(file)
    }
    return { files, format, table }
  } catch (err) {
    throw s3Problem(err)
  }
}
