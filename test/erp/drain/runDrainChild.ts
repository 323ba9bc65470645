// Runs drainChild.ts (one drain pass in a process of its own) with its arguments, and answers how
// it ended: its exit code or the signal that killed it, and what it wrote (the pass's summary).
import { spawn } from 'node:child_process'
import { join } from 'node:path'

const CHILD = join(import.meta.dirname, 'drainChild.ts')

export interface DrainChildArgs {
  databaseUrl: string
  secretKey: string
  orgId: string
  connectionId: string
  /** The child SIGKILLs itself right after the ERP accepted a document of this kind; null: a whole pass. */
  killAfterSent: string | null
}

export function runDrainChild(args: DrainChildArgs): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve({ code, signal, stdout }))
  })
}
