import type { Command } from '../command.ts'

export const gatewayCommand: Command = {
  path: ['gateway'],
  summary: 'Run the ingest gateway alone: the API with events produced to Kafka (needs TALLY_KAFKA_BROKERS; stateless, run many)',
  usage: '',
  example: 'TALLY_KAFKA_BROKERS=127.0.0.1:9092 tally gateway',
  async run(ctx) {
    const config = ctx.config()
    // Engines load lazily so `tally --help` and the API commands stay fast.
    const { createLogger } = await import('../../../platform/logger.ts')
    const { createGateway } = await import('../../createGateway.ts')
    const { onShutdownSignal, startServer } = await import('../../serve.ts')
    // A long-running process logs at the configured level (the CLI default is warn).
    const logger = createLogger(config.logLevel, 'tally-gateway')
    const gateway = await createGateway(config, logger)
    const server = await startServer({ app: gateway.app, port: config.port, host: config.host, logger })
    logger.info({ url: `http://127.0.0.1:${server.port}`, brokers: config.kafkaBrokers, topic: config.kafkaTopic }, 'Tally gateway listening')
    onShutdownSignal(logger, async () => {
      // Stop accepting first, let requests waiting for broker acks finish, then close the producer.
      await server.stop(config.shutdownGraceMs)
      await gateway.close()
      logger.info('stopped')
    })
    await new Promise(() => {})
  },
}
