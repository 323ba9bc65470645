// Runs `tally` as a real child process, as an operator would, for restart and CLI tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const TALLY_BIN = fileURLToPath(new URL('../../bin/tally.js', import.meta.url))

/**
 * The environment every child starts from: PATH, and the suite's TALLY_CLOCK when one is set
 * (`TALLY_CLOCK=2027-03-01T00:00:00Z npx vitest run test/process` moves every process the tests
 * start to that date). A test that sets TALLY_CLOCK itself wins.
 */
export function childBaseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', ...(process.env.TALLY_CLOCK ? { TALLY_CLOCK: process.env.TALLY_CLOCK } : {}) }
}

export interface TallyProcess {
  child: ChildProcess
  base: string
  output(): string
  /**
   * Resolves with the first output line matching `pattern`, as soon as the process prints it
   * (an event, not a sleep); rejects if the process exits first. Tests bound it with their own timeout.
   */
  waitForLine(pattern: RegExp): Promise<string>
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>
}

/** Starts `tally start` on a free port and resolves once it listens. */
export function startTallyProcess(env: Record<string, string>): Promise<TallyProcess> {
  const child = spawn(process.execPath, [TALLY_BIN, 'start'], {
    env: { ...childBaseEnv(), TALLY_PORT: '0', TALLY_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        // Whole lines only: the last piece may still be arriving.
        const line = output
          .split('\n')
          .slice(0, -1)
          .find((l) => pattern.test(l))
        if (line === undefined) return false
        child.stdout!.off('data', check)
        child.stderr!.off('data', check)
        child.off('exit', exited)
        resolve(line)
        return true
      }
      const exited = () => reject(new Error(`tally exited before printing ${pattern}:\n${output}`))
      if (check()) return
      child.stdout!.on('data', check)
      child.stderr!.on('data', check)
      child.once('exit', exited)
    })
  return new Promise((resolve, reject) => {
    // A give-up bound, not a speed check: just under the suites' 120 s hook timeout, so the
    // failure names its cause. The child is killed with it: a test that gives up must not leave
    // a `tally start` running (orphans kept loading the machine and failed later tests).
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`tally start did not listen in 110 s:\n${output}`))
    }, 110_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const m = /Tally listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve({
          child,
          base: m[1]!,
          output: () => output,
          waitForLine,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code))
              child.kill('SIGTERM')
            }),
        })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`tally start exited with ${code}:\n${output}`))
    })
  })
}

/** Runs a one-shot `tally …` command and collects its output. */
export function runTally(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TALLY_BIN, ...args], { env: { ...childBaseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}
