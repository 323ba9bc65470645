import type { Logger } from '../platform/logger.ts'

/**
 * What a composition root opened, closed in reverse order of opening. A failing closer is
 * logged and the rest still run, so one broken store never keeps another open.
 */
export interface Closers {
  push(name: string, close: () => Promise<void>): void
  close(): Promise<void>
}

export function createClosers(logger: Logger): Closers {
  const closers: Array<{ name: string; close: () => Promise<void> }> = []
  return {
    push(name, close) {
      closers.push({ name, close })
    },
    async close() {
      for (const { name, close } of closers.reverse()) {
        try {
          await close()
        } catch (err) {
          logger.error({ err, component: name }, 'close failed')
        }
      }
      closers.length = 0
    },
  }
}
