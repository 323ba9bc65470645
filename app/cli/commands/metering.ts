import type { Command } from '../command.ts'

export const meteringCommand: Command = {
  path: ['metering'],
  summary: 'Run one metering worker: consume the events topic into ClickHouse, exactly once (needs TALLY_KAFKA_BROKERS)',
  usage: '',
  example: 'TALLY_KAFKA_BROKERS=127.0.0.1:9092 TALLY_CLICKHOUSE_URL=http://127.0.0.1:8123 tally metering',
  async run(ctx) {
    const config = ctx.config()
    // Engines load lazily so `tally --help` and the API commands stay fast.
    const { createLogger } = await import('../../../platform/logger.ts')
    const { createMeteringWorker } = await import('../../createMeteringWorker.ts')
    const { onShutdownSignal, startServer } = await import('../../serve.ts')
    const logger = createLogger(config.logLevel, 'tally-metering')
    const worker = await createMeteringWorker(config, logger)
    const server = await startServer({ app: worker.app, port: config.meteringPort, host: config.host, logger })
    logger.info(
      { metrics: `http://127.0.0.1:${server.port}/metrics`, brokers: config.kafkaBrokers, topic: config.kafkaTopic, group: config.kafkaGroupId },
      'Tally metering worker running',
    )
    onShutdownSignal(logger, async () => {
      await worker.close()
      await server.stop(1_000)
      logger.info('stopped')
    })
    // A worker that stopped on an error it must not skip exits non-zero so a supervisor sees it.
    try {
      await worker.failed
    } catch (err) {
      logger.fatal({ err }, 'metering worker failed')
      await worker.close().catch(() => {})
      return 1
    }
  },
}
