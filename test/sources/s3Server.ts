// A local S3-compatible server for the files-on-S3 tests: s3rver (npm `@20minutes/s3rver`, a
// devDependency, so CI has it from `npm ci`), started by the test in its own process on a free
// port with a throwaway storage directory and stopped after it. It checks SigV4 signatures (a
// wrong secret is 403 SignatureDoesNotMatch, an unknown key id 403 InvalidAccessKeyId), so the
// tests sign with a key pair made for the run. Fixtures are written unsigned (s3rver takes
// anonymous writes), through the same path-style URLs the source reads.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface S3rverInstance {
  run(): Promise<{ port: number }>
  close(): Promise<void>
}
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance
interface S3rverAccount {
  createKeyPair(id: string, secret: string): void
  revokeAccessKey(id: string): void
}

const require = createRequire(import.meta.url)

export interface LocalS3 {
  endpoint: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  put(key: string, body: Buffer | string): Promise<void>
  remove(key: string): Promise<void>
  close(): Promise<void>
}

export async function startLocalS3(): Promise<LocalS3> {
  const S3rver = require('@20minutes/s3rver') as S3rverClass
  const account = (require('@20minutes/s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: S3rverAccount }).DUMMY_ACCOUNT
  const directory = mkdtempSync(join(tmpdir(), 'tally-s3-'))
  const bucket = `tally-${randomBytes(4).toString('hex')}`
  const accessKeyId = `tally-test-${randomBytes(4).toString('hex')}`
  const secretAccessKey = randomBytes(24).toString('base64url')
  account.createKeyPair(accessKeyId, secretAccessKey)
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  const url = (key: string) => `${endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`
  const check = async (what: string, r: Response) => {
    if (!r.ok) throw new Error(`local S3 ${what}: ${r.status} ${await r.text()}`)
  }
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    put: async (key, body) => check(`PUT ${key}`, await fetch(url(key), { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body) })),
    remove: async (key) => check(`DELETE ${key}`, await fetch(url(key), { method: 'DELETE' })),
    async close() {
      await server.close()
      account.revokeAccessKey(accessKeyId)
      if (directory.startsWith(tmpdir())) rmSync(directory, { recursive: true, force: true })
    },
  }
}
