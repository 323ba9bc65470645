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
import { childBaseEnv, TALLY_BIN } from '../support/tallyProcess.ts'

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
        ...childBaseEnv(),
        TALLY_PORT: '0',
        TALLY_HOST: '127.0.0.1',
        TALLY_DATA_DIR: dir,
        TALLY_KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
        TALLY_KAFKA_TOPIC: topics.events,
        TALLY_KAFKA_DEAD_LETTER_TOPIC: topics.deadLetters,
        TALLY_KAFKA_GROUP_ID: topics.group('start'),
        ...SINGLE_BROKER_KAFKA_ENV,
        TALLY_RATING_CRON: '* * * * * *',
        // A tick rates each organisation in turn: one organisation makes each tick one run.
        TALLY_BOOTSTRAP_ORG: '23507783-d5b4-4854-b012-2bf4ea922205',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    // Listening and one scheduled run, as events in its output (the test's timeout bounds the wait).
    const ranOnce = new Promise<void>((resolve, reject) => {
      const onData = (c: Buffer) => {
        out += c.toString()
        if (out.includes('listening on') && out.includes('rating run finished')) resolve()
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      void exited.then((code) => reject(new Error(`tally start exited with ${code} before a scheduled run:\n${out}`)))
    })
    try {
      await ranOnce
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
