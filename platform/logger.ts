import { pino, type Logger } from 'pino'

export type { Logger }

/** One JSON logger per process, built by the composition root and passed down. */
export function createLogger(level: string, name = 'tally'): Logger {
  return pino({ name, level, base: { pid: process.pid } })
}
