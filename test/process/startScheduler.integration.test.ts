// `tally start` in Kafka mode (gateway + metering worker over the real broker) runs the same
// rating scheduler as `tally scheduler`, and a SIGTERM stops it cleanly (scheduler first, then
// the gateway, the worker and the stores: exit 0). Embedded `tally start` is covered by
// ratingCli.test.ts.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestTopics, SINGLE_BROKER_KAFKA_ENV, TEST_KAFKA_BROKERS, type TestTopics } from '../support/kafkaTestTopics.ts'
import { TALLY_BIN } from '../support/tallyProcess.ts'

let topics: TestTopics
let dir: string
beforeAll(async () => {
  topics = await createTestTopics({ partitions: 1 })
  dir = mkdtempSync(join(tmpdir(), 'tally-start-scheduler-'))
})
afterAll(async () => {
  await topics?.destroy()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('tally start with TALLY_KAFKA_BROKERS', () => {
  it('runs the rating scheduler and stops it on SIGTERM', async () => {
    const child = spawn(process.execPath, [TALLY_BIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        TALLY_PORT: '0',
        TALLY_HOST: '127.0.0.1',
        TALLY_DATA_DIR: dir,
        TALLY_KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
        TALLY_KAFKA_TOPIC: topics.events,
        TALLY_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetters,
        TALLY_KAFKA_GROUP_ID: topics.group('start'),
        ...SINGLE_BROKER_KAFKA_ENV,
        TALLY_RATING_CRON: '* * * * * *',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    try {
      const deadline = Date.now() + 90_000
      while (!(out.includes('listening on') && out.includes('rating run finished'))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no scheduled run:\n${out}`)
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(out).toContain('"leaderElection":"single process (PGlite)"')
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(out).toContain('"msg":"stopped"')
      expect(out).not.toContain('close failed')
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  }, 120_000)
})
