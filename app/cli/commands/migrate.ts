import type { Command } from '../command.ts'

export const migrateCommand: Command = {
  path: ['migrate'],
  summary: 'Apply ClickHouse and Postgres migrations, then exit',
  usage: '',
  example: 'TALLY_DATABASE_URL=postgres://tally@127.0.0.1/tally tally migrate',
  async run(ctx) {
    const config = ctx.config()
    // Opening Tally applies both sets of migrations; each is recorded and applied once.
    const { createTally } = await import('../../createTally.ts')
    const tally = await createTally(config, ctx.logger())
    ctx.out(`ClickHouse (${tally.clickhouse.mode}) and Postgres (${tally.database.driver}) are migrated.`)
    await tally.close()
  },
}
