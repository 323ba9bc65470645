// What the figures were measured on: they mean little without it.
import { readFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os'

export interface MachineInfo {
  nproc: number
  cpuModel: string
  ramGB: number
  os: string
  node: string
  versions: Record<string, string>
  loadAtStart: number[]
}

const PACKAGES = ['chdb', '@clickhouse/client', 'hono', '@hono/node-server', 'zod', '@electric-sql/pglite', 'kafkajs', 'tsx']

export async function machineInfo(): Promise<MachineInfo> {
  const versions: Record<string, string> = {}
  versions.tally = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  for (const name of PACKAGES) {
    try {
      // Read from node_modules directly: some packages do not export their package.json.
      versions[name] = (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version
    } catch {
      versions[name] = 'not installed'
    }
  }
  try {
    const pom = readFileSync(new URL('../../deploy/local/kafka/pom.xml', import.meta.url), 'utf8')
    versions['kafka broker'] = /<kafka\.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown'
  } catch {
    versions['kafka broker'] = 'unknown'
  }
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    ramGB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    versions,
    loadAtStart: loadavg(),
  }
}
