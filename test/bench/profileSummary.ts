// Summarises a V8 .cpuprofile (from `--profile <stage>`): self time by function and by
// package or source folder. Usage: npx tsx test/bench/profileSummary.ts <file.cpuprofile> [top]
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export function bucketOf(url: string): string {
  if (url === '') return '(native / V8)'
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm !== null) return nm[1] as string
  if (url.startsWith('node:')) return url
  const project = /\/(platform|ingest|metering|sql|rating|ledger|connectors|test)\/(.*?)([^/]+)$/.exec(url)
  if (project !== null) return `${project[1]}/${project[2]}${project[3]}`
  return url
}

export function summariseProfile(profile: CpuProfile, top = 25): string {
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0)
  const byFn = new Map<string, number>()
  const byBucket = new Map<string, number>()
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0
    if (us === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const fn = `${functionName || '(anonymous)'} ${url === '' ? '' : `${bucketOf(url)}:${lineNumber + 1}`}`.trim()
    byFn.set(fn, (byFn.get(fn) ?? 0) + us)
    const bucket = functionName === '(garbage collector)' || functionName === '(idle)' || functionName === '(program)' ? functionName : bucketOf(url)
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + us)
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n')
  return `total ${(total / 1e6).toFixed(1)} s sampled\n\nself time by package / folder:\n${rows(byBucket)}\n\nself time by function:\n${rows(byFn)}\n`
}

if (process.argv[1]?.endsWith('profileSummary.ts') === true && process.argv[2] !== undefined) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CpuProfile
  console.log(summariseProfile(profile, Number(process.argv[3] ?? 25)))
}
