// Where a bench child's memory goes, phase by phase (issue 20: peak RSS of the 100k rating run).
// The kernel's peak RSS (VmHWM) is reset at the start of each phase (`5` written to
// /proc/self/clear_refs, Linux ≥ 4.0), so each phase reports its own peak, not the process's
// lifetime one; the V8 heap (heapUsed, external, arrayBuffers) is sampled a few times a second,
// and its maxima are reported beside the RSS, so what is left of the peak is native: chDB
// (its MemoryTracking is read at the phase's end), PGlite's WASM memory (arrayBuffers), the
// allocators' retention. The reset also resets the process's maxRSS (getrusage), so a child
// that measures phases reports its peak with processPeakRssMB.
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8'
import { runInNewContext } from 'node:vm'

export interface PhaseMemory {
  phase: string
  /** Peak RSS during the phase (VmHWM after a reset at its start); the process's maxRSS where the reset is refused. */
  peakRssMB: number
  /** RSS at the phase's end. */
  endRssMB: number
  /** Maxima sampled during the phase. */
  heapUsedMB: number
  externalMB: number
  arrayBuffersMB: number
  /** heapUsed at the phase's end after a full garbage collection: what the phase left reachable. */
  retainedHeapMB: number
  /** chDB's own tracked memory at the phase's end (system.metrics MemoryTracking), when asked. */
  chdbTrackedMB?: number
}

const MB = 1024 * 1024

function statusMB(field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))
    return m ? Number(m[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

/** The process's peak RSS before the last reset (resets hide it from VmHWM and maxRSS). */
let peakBeforeReset = 0

/** Peak RSS of the whole process so far, the resets of measurePhase notwithstanding. */
export function processPeakRssMB(): number {
  return Math.max(peakBeforeReset, statusMB('VmHWM') ?? 0, process.resourceUsage().maxRSS / 1024)
}

function resetPeak(): boolean {
  peakBeforeReset = processPeakRssMB()
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

/** A full collection, so heapUsed is what is reachable (the `gc` global, exposed at run time). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/** Runs `fn` as a named phase; the answer's `memory` is its peaks. `tracked` reads chDB's figure at the end. */
export async function measurePhase<T>(phase: string, fn: () => Promise<T>, tracked?: () => Promise<number>): Promise<{ value: T; memory: PhaseMemory }> {
  const reset = resetPeak()
  const max = { heapUsed: 0, external: 0, arrayBuffers: 0 }
  const sample = () => {
    const m = process.memoryUsage()
    max.heapUsed = Math.max(max.heapUsed, m.heapUsed)
    max.external = Math.max(max.external, m.external)
    max.arrayBuffers = Math.max(max.arrayBuffers, m.arrayBuffers)
  }
  sample()
  const timer = setInterval(sample, 250)
  try {
    const value = await fn()
    sample()
    collectGarbage()
    const retained = process.memoryUsage().heapUsed
    // TALLY_BENCH_HEAPSNAPSHOT=<phase>: a heap snapshot at that phase's end, in the temporary directory.
    if (process.env.TALLY_BENCH_HEAPSNAPSHOT === phase)
      writeHeapSnapshot(join(tmpdir(), `tally-bench-${phase.replaceAll(' ', '-')}-${process.pid}.heapsnapshot`))
    const memory: PhaseMemory = {
      phase,
      peakRssMB: (reset ? statusMB('VmHWM') : undefined) ?? process.resourceUsage().maxRSS / 1024,
      endRssMB: statusMB('VmRSS') ?? process.memoryUsage.rss() / MB,
      heapUsedMB: max.heapUsed / MB,
      externalMB: max.external / MB,
      arrayBuffersMB: max.arrayBuffers / MB,
      retainedHeapMB: retained / MB,
      ...(tracked === undefined ? {} : { chdbTrackedMB: (await tracked()) / MB }),
    }
    return { value, memory }
  } finally {
    clearInterval(timer)
  }
}

export function formatPhase(m: PhaseMemory): string {
  const tracked = m.chdbTrackedMB === undefined ? '' : `, chDB tracked ${m.chdbTrackedMB.toFixed(0)}`
  return `${m.phase}: peak RSS ${m.peakRssMB.toFixed(0)} MB (end ${m.endRssMB.toFixed(0)}; heap ${m.heapUsedMB.toFixed(0)}, ${m.retainedHeapMB.toFixed(0)} after a full GC, external ${m.externalMB.toFixed(0)}, arrayBuffers ${m.arrayBuffersMB.toFixed(0)}${tracked})`
}
