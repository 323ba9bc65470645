// `usage_rows` as objects in a bucket of a local S3-compatible server (s3Server.ts): the files
// kind's fixture (filesDatabase: the table in the test's DuckDB, written out after every
// statement) mirrored into the bucket after every statement, in the same three layouts: CSV one
// object named outright, NDJSON parts by a glob, Parquet a "directory" (a key prefix) of parts.
// Tally reads them through `s3://` with the endpoint and a signed key pair, and no
// TALLY_SOURCE_FILES_ROOT at all.
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { filesDatabase, type FileLayout, type SyncSource } from './sourceDatabases.ts'
import { startLocalS3 } from './s3Server.ts'

/** A port nothing listens on: one the system just gave out and got back. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

export async function s3FilesDatabase(format: FileLayout): Promise<SyncSource> {
  const local = await filesDatabase(format)
  const s3 = await startLocalS3()
  const dir = join(local.env['TALLY_SOURCE_FILES_ROOT']!, local.name)
  let stored = new Set<string>()

  /** The fixture's regular files (not its symlink) as keys under `<name>/`. */
  function localKeys(): Map<string, string> {
    const keys = new Map<string, string>()
    const walk = (d: string, prefix: string) => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(d, entry.name), `${prefix}${entry.name}/`)
        else if (entry.isFile()) keys.set(`${local.name}/${prefix}${entry.name}`, join(d, entry.name))
      }
    }
    walk(dir, '')
    return keys
  }

  async function mirror(): Promise<void> {
    const keys = localKeys()
    for (const [key, file] of keys) await s3.put(key, readFileSync(file))
    for (const key of stored) if (!keys.has(key)) await s3.remove(key)
    stored = new Set(keys.keys())
  }

  const path = `s3://${s3.bucket}/${local.name}/${format === 'csv' ? 'usage_rows.csv' : format === 'ndjson' ? 'usage_rows/*.ndjson' : 'usage_rows/'}`
  const where = { kind: 'files', endpoint: s3.endpoint, access_key_id: s3.accessKeyId }
  const signed = { ...where, secret_access_key: s3.secretAccessKey }
  const at = (key: string) => `s3://${s3.bucket}/${local.name}/${key}`
  const refusal = (why: string, body: Record<string, unknown>, code: string) => ({ why, body: { ...signed, ...body }, status: 422, code })
  await mirror()
  return {
    ...local,
    body: { ...signed, path },
    refused: [
      refusal('a wrong secret key', { path, secret_access_key: 'not-the-secret' }, 'source_auth_failed'),
      refusal('an unknown access key id', { path, access_key_id: 'nobody' }, 'source_auth_failed'),
      refusal('an endpoint nothing listens on', { path, endpoint: `http://127.0.0.1:${await closedPort()}` }, 'source_unreachable'),
      refusal('no secret key', { path, secret_access_key: undefined }, 'source_path_invalid'),
      refusal('a missing object', { path: at('absent.csv') }, 'source_file_not_found'),
      refusal('an object of no known format', { path: at('notes.txt') }, 'source_format_unknown'),
      refusal('a Parquet object that is not one', { path: at('broken.parquet') }, 'source_file_unreadable'),
      refusal('a key with ..', { path: at('../x.csv') }, 'source_path_invalid'),
      refusal('a bucket name S3 cannot have', { path: 's3://No_Such/usage.csv' }, 'source_path_invalid'),
      refusal('an http URL', { path: `${s3.endpoint}/${s3.bucket}/${local.name}/usage_rows.csv` }, 'source_path_invalid'),
    ],
    shown: { ...where, path, region: 'us-east-1' },
    sealsPassword: true,
    secret: s3.secretAccessKey,
    env: {},
    async exec(sql) {
      await local.exec(sql)
      if (!/^\s*CREATE\b/i.test(sql)) await mirror()
    },
    async close() {
      await s3.close()
      await local.close()
    },
  }
}
