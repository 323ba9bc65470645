// Forked helper processes (servers under test, the load generator, the in-process stages):
// each runs TypeScript through tsx, talks over the IPC channel, one request at a time.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface Child {
  proc: ChildProcess
  /** The child's first message (`ready`, with whatever it reports about itself). */
  ready: Record<string, unknown>
  /** Sends `msg` and resolves with the child's next message; rejects on `error` or exit. */
  ask<T = Record<string, unknown>>(msg: Record<string, unknown>): Promise<T>
  /** Asks the child to stop and waits for its exit (killed after `graceMs`). */
  stop(graceMs?: number): Promise<void>
}

export interface ForkOptions {
  /** Directory for a V8 CPU profile of this child (`--cpu-prof`), written when it exits. */
  cpuProfDir?: string
  env?: Record<string, string>
  /** Show the child's stdout/stderr (default: stderr only). */
  verbose?: boolean
}

export function benchFile(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url))
}

export function forkChild(file: string, args: string[], opts: ForkOptions = {}): Promise<Child> {
  const execArgv = ['--import', 'tsx']
  if (opts.cpuProfDir !== undefined) execArgv.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`)
  const proc = fork(benchFile(file), [...args, 'child'], {
    execArgv,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', opts.verbose === true ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  })
  const inbox: Array<Record<string, unknown>> = []
  const waiters: Array<{ resolve(m: Record<string, unknown>): void; reject(e: Error): void }> = []
  let exited: Error | null = null
  proc.on('message', (m: Record<string, unknown>) => {
    const w = waiters.shift()
    if (w === undefined) inbox.push(m)
    else if (m.type === 'error') w.reject(new Error(`${file}: ${String(m.message)}`))
    else w.resolve(m)
  })
  proc.on('exit', (code, signal) => {
    exited = new Error(`${file} exited (code ${code}, signal ${signal})`)
    for (const w of waiters.splice(0)) w.reject(exited)
  })
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const m = inbox.shift()
      if (m !== undefined) return m.type === 'error' ? reject(new Error(`${file}: ${String(m.message)}`)) : resolve(m)
      if (exited !== null) return reject(exited)
      waiters.push({ resolve, reject })
    })
  return next().then((ready) => ({
    proc,
    ready,
    ask: <T>(msg: Record<string, unknown>) => {
      proc.send(msg)
      return next() as Promise<T>
    },
    stop: (graceMs = 30_000) =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve()
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
        proc.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        proc.send({ type: 'stop' })
      }),
  }))
}
