// Where metering's ClickHouse migrations live, for `migrateClickHouse` (platform/clickhouse).
import { fileURLToPath } from 'node:url'

export const meteringMigrationsDir: string = fileURLToPath(new URL('./migrations/', import.meta.url))
