import { fileURLToPath } from 'node:url'

/** Absolute path of the ledger's drizzle-kit migrations, wherever the process was started. */
export const ledgerMigrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url))
