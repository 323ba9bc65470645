import type { Command } from '../command.ts'

export const startCommand: Command = {
  path: ['start'],
  summary: 'Run Tally all-in-one: API, ingest, metering and the rating scheduler (embedded chDB + PGlite unless URLs are set)',
  usage: '',
  example: 'tally start',
  async run(ctx) {
    const config = ctx.config()
    const logger = ctx.logger()
    if (config.kafkaBrokers !== undefined) {
      // Distributed mode in one process: gateway → Kafka → metering worker → ClickHouse.
      const { createStreamingTally } = await import('../../createStreamingTally.ts')
      const { onShutdownSignal, startServer } = await import('../../serve.ts')
      const streaming = await createStreamingTally(config, logger, { scheduler: true })
      const server = await startServer({ app: streaming.app, port: config.port, host: config.host, logger })
      const base = `http://127.0.0.1:${server.port}`
      logger.info(
        { url: base, brokers: config.kafkaBrokers, topic: config.kafkaTopic, ...streaming.mode },
        `Tally (gateway + metering worker over Kafka) listening on ${base} (API reference at ${base}/docs)`,
      )
      onShutdownSignal(logger, async () => {
        await server.stop(config.shutdownGraceMs)
        await streaming.close()
        logger.info('stopped')
      })
      try {
        await streaming.failed
      } catch (err) {
        logger.fatal({ err }, 'metering worker failed')
        await server.stop(config.shutdownGraceMs)
        await streaming.close()
        return 1
      }
    }
    const { createTally } = await import('../../createTally.ts')
    const tally = await createTally(config, logger, { scheduler: true })
    const { onShutdownSignal, startServer } = await import('../../serve.ts')
    const server = await startServer({ app: tally.app, port: config.port, host: config.host, logger })
    const base = `http://127.0.0.1:${server.port}`
    logger.info(
      {
        url: base,
        clickhouse: tally.clickhouse.mode === 'chdb' ? `chDB in ${config.dataDir}` : 'server',
        postgres: tally.database.driver === 'pglite' ? `PGlite in ${config.dataDir}` : 'server',
      },
      `Tally listening on ${base} (API reference at ${base}/docs)`,
    )
    onShutdownSignal(logger, async () => {
      await server.stop(config.shutdownGraceMs)
      await tally.close()
      logger.info('stopped')
    })
    await new Promise(() => {})
  },
}
