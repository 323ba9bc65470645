// drizzle-kit configuration: `npm run db:generate` diffs ledger/schema against the last
// snapshot in ledger/migrations and writes the next SQL migration. Generation needs no
// database; migrations are applied at start by platform/postgres/migrate.ts.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: './ledger/schema/index.ts',
  out: './ledger/migrations',
  strict: true,
})
