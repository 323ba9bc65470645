// The source kinds Tally can connect to: per kind its settings schema, default port and how a
// driver is opened from a stored connection. The routes and the sync runner know kinds only
// through this registry. Postgres and MySQL open from an address (host, port, database, user,
// password), ClickHouse from its HTTP URL, database, user and password; `files` from a path inside
// the operator's TALLY_SOURCE_FILES_ROOT (`SourceEnv`), or an `s3://` path with its endpoint,
// region and access key id (the secret key sealed like a password).
import { z } from 'zod'
import type { SourceConnection, SourceKind, SourceStore } from '../../ledger/sourceStore.ts'
import { openClickHouseSource } from './clickhouse/clickhouseSource.ts'
import { openFilesSource } from './files/filesSource.ts'
import type { FileFormat } from './files/filePaths.ts'
import { openMysqlSource } from './mysql/mysqlSource.ts'
import { openPostgresSource } from './postgres/postgresSource.ts'
import type { SourceAddress, SourceDriver } from './sourceDriver.ts'

export interface SourceKindInfo {
  defaultPort: number
  open(address: SourceAddress): SourceDriver
}

/** The kinds reached over the network with a host and port. */
export type SqlSourceKind = Exclude<SourceKind, 'files' | 'clickhouse'>

export const SOURCE_KIND_INFO: Record<SqlSourceKind, SourceKindInfo> = {
  postgres: { defaultPort: 5432, open: openPostgresSource },
  mysql: { defaultPort: 3306, open: openMysqlSource },
}

/** What a connection stores in the clear (`password` is sealed apart). */
export const sourceSettings = z.strictObject({
  host: z.string().min(1).max(255),
  port: z.coerce.number().int().min(1).max(65535).optional(),
  database: z.string().min(1).max(255),
  user: z.string().min(1).max(255),
})
export type SourceSettings = z.infer<typeof sourceSettings>

export function addressOf(kind: SqlSourceKind, settings: Record<string, string>, credentials: Record<string, string>): SourceAddress {
  return {
    host: settings['host']!,
    port: Number(settings['port'] ?? SOURCE_KIND_INFO[kind].defaultPort),
    database: settings['database']!,
    user: settings['user']!,
    password: credentials['password'] ?? '',
  }
}

/** What the process's configuration gives the drivers. */
export interface SourceEnv {
  /** TALLY_SOURCE_FILES_ROOT: the directory `files` sources may read; absent refuses them. */
  filesRoot?: string | undefined
}

/** A driver for a connection's settings (stored or about to be) and its opened credentials. */
export function openSource(kind: SourceKind, settings: Record<string, string>, credentials: Record<string, string>, env: SourceEnv): SourceDriver {
  if (kind === 'files') {
    const format = settings['format'] as FileFormat | undefined
    const endpoint = settings['endpoint']
    const s3 =
      endpoint === undefined
        ? undefined
        : {
            endpoint,
            region: settings['region'] ?? 'us-east-1',
            credentials: { accessKeyId: settings['access_key_id'] ?? '', secretAccessKey: credentials['secret_access_key'] ?? '' },
          }
    return openFilesSource({ path: settings['path']!, ...(format === undefined ? {} : { format }), root: env.filesRoot, s3 })
  }
  if (kind === 'clickhouse') {
    return openClickHouseSource({ url: settings['url']!, database: settings['database']!, user: settings['user']!, password: credentials['password'] ?? '' })
  }
  return SOURCE_KIND_INFO[kind].open(addressOf(kind, settings, credentials))
}

/** A driver for a stored connection (its password opened for this use only). */
export async function openStoredSource(store: SourceStore, connection: SourceConnection, env: SourceEnv = {}): Promise<SourceDriver> {
  const credentials = await store.connections.credentials(connection.id)
  return openSource(connection.kind, connection.settings, credentials, env)
}
