// The source kinds Tally can connect to: per kind its settings schema, default port and how a
// driver is opened from a stored connection. The routes and the sync runner know kinds only
// through this registry.
import { z } from 'zod'
import type { SourceConnection, SourceKind, SourceStore } from '../../ledger/sourceStore.ts'
import { openMysqlSource } from './mysql/mysqlSource.ts'
import { openPostgresSource } from './postgres/postgresSource.ts'
import type { SourceAddress, SourceDriver } from './sourceDriver.ts'

export interface SourceKindInfo {
  defaultPort: number
  open(address: SourceAddress): SourceDriver
}

export const SOURCE_KIND_INFO: Record<SourceKind, SourceKindInfo> = {
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

export function addressOf(kind: SourceKind, settings: Record<string, string>, credentials: Record<string, string>): SourceAddress {
  return {
    host: settings['host']!,
    port: Number(settings['port'] ?? SOURCE_KIND_INFO[kind].defaultPort),
    database: settings['database']!,
    user: settings['user']!,
    password: credentials['password'] ?? '',
  }
}

/** A driver for a stored connection (its password opened for this use only). */
export async function openStoredSource(store: SourceStore, connection: SourceConnection): Promise<SourceDriver> {
  const credentials = await store.connections.credentials(connection.id)
  return SOURCE_KIND_INFO[connection.kind].open(addressOf(connection.kind, connection.settings, credentials))
}
