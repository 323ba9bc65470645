import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * chDB and PGlite each allow one process per data directory; a second process opening the
 * same files corrupts them. The lock file holds the owner's pid; a stale lock (its process
 * is gone) is taken over.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'tally.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' })
      return {
        release() {
          rmSync(file, { force: true })
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = Number(readFileSync(file, 'utf8').trim())
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DataDirBusyError(dataDir, owner)
      }
      rmSync(file, { force: true })
    }
  }
  throw new DataDirBusyError(dataDir, -1)
}

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another Tally process (pid ${pid}) is using the data directory ${dataDir}. ` +
        'Stop it, or let the CLI talk to it over HTTP by setting TALLY_URL to its address.',
    )
    this.name = 'DataDirBusyError'
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
