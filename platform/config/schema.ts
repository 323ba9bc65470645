import { Cron } from 'croner'
import { z } from 'zod'
import { secretKeyBytes } from '../secretBox.ts'

// The one configuration schema of every Tally process. Each key maps to a `TALLY_*`
// environment variable (see `envName`); defaults are the embedded mode, so `tally start`
// with no environment at all runs everything in one process on chDB and PGlite.

const optionalUrl = z
  .string()
  .trim()
  .url()
  .optional()
  .transform((v) => (v === '' ? undefined : v))

const byteSize = z.coerce.number().int().positive()

/** A yes/no setting: `true`/`1` or `false`/`0`. */
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback)
    .transform((v) => v === 'true' || v === '1')

const configObject = z.object({
  /** Where the CLI finds a running Tally; defaults to http://127.0.0.1:<port>. */
  url: optionalUrl,
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default('0.0.0.0'),
  /** Embedded data (chDB, PGlite, the generated admin token) lives here. */
  dataDir: z.string().min(1).default('./.tally'),
  /** ClickHouse server over HTTP; absent means chDB in-process. */
  clickhouseUrl: optionalUrl,
  clickhouseDatabase: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('tally'),
  /** Postgres server (`postgres://…`); absent means PGlite under the data dir. */
  databaseUrl: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Organisation ensured at start (the id as given, e.g. a UUID from the reference docs). */
  bootstrapOrg: z.string().uuid().optional(),
  bootstrapOrgName: z.string().min(1).default('Bootstrap organisation'),
  /** API key ensured at start for the bootstrap organisation (stored hashed). */
  bootstrapApiKey: z.string().min(20, 'must be at least 20 characters').optional(),
  /**
   * Key of the secrets stored at rest (ERP and source credentials, webhook signing secrets): 32 bytes as 64 hex characters or base64
   * (`openssl rand -base64 32`). Absent: Tally refuses to store such secrets (`secret_key_missing`).
   */
  secretKey: z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || secretKeyBytes(v) !== null, 'must be 32 bytes as 64 hex characters or base64 (openssl rand -base64 32)'),
  /**
   * The one directory (with what lies under it) that `files` data sources may read
   * (connectors/sources/files): a connection's path is resolved inside it, symlinks included.
   * Absent: Tally refuses `files` sources (`source_files_root_missing`), so no API key can make
   * the server read a file it was not pointed at.
   */
  sourceFilesRoot: z.string().trim().min(1).optional(),
  /** Operator token for admin routes; generated into the data dir when absent. */
  adminToken: z.string().min(20, 'must be at least 20 characters').optional(),
  /**
   * Accept events of customers the ledger does not know (default; `GET /v1/usage/unmatched`
   * lists them), as producers often send usage before the CRM sync creates the customer.
   * `false` rejects them with `customer_not_found`.
   */
  acceptUnknownCustomers: flag('true'),
  /**
   * Deliver webhooks to loopback, private (RFC 1918, fc00::/7), link-local (cloud metadata) and
   * other non-public addresses. Off by default: an endpoint URL is tenant input
   * (connectors/webhooks/README.md "Destinations"). On only where the receivers are internal.
   */
  webhookAllowPrivate: flag('false'),
  /** Largest accepted request body (bytes). */
  maxBodyBytes: byteSize.default(5 * 1024 * 1024),
  /** Largest number of events in one batch request. */
  maxBatchEvents: z.coerce.number().int().positive().default(10_000),
  /** Group commit: most rows per ClickHouse insert, and longest wait (ms) to fill one. */
  writerMaxBatchRows: z.coerce.number().int().positive().default(50_000),
  writerMaxWaitMs: z.coerce.number().int().min(0).max(1000).default(2),
  /**
   * Embedded mode's event sink: `local` (default: each 2xx waits for the durable event log in the
   * data directory, fsync; a drain inserts) or `direct` (each 2xx waits for its ClickHouse insert).
   * Distributed mode (TALLY_KAFKA_BROKERS) always uses Kafka.
   */
  eventLog: z.enum(['direct', 'local']).default('local'),
  /** Event log: most bytes not yet drained into ClickHouse; appends past it get 503 `event_log_full`. */
  eventLogMaxBytes: byteSize.default(1024 * 1024 * 1024),
  /** Event log drain: most rows per insert (an insert starts at once when this many wait). */
  eventLogFlushRows: z.coerce.number().int().positive().default(20_000),
  /** Event log drain: longest wait (ms) between the starts of two inserts while events wait. */
  eventLogFlushMs: z.coerce.number().int().min(0).max(60_000).default(200),
  /** Event log: ids kept in its index after they drained, so a resend is answered `duplicate` (at most this many). */
  eventLogRecentIds: z.coerce.number().int().min(0).default(1_000_000),
  /** Event log: hours an id is kept in its index after it drained (whichever bound comes first). */
  eventLogRecentHours: z.coerce
    .number()
    .min(0)
    .max(24 * 34)
    .default(24),
  /** Event log: longest wait (ms) of an API read for the drain to store what was acknowledged before it; then 503 `event_log_behind`. */
  eventLogReadWaitMs: z.coerce.number().int().positive().max(300_000).default(10_000),
  /** How long a resolved API key is cached in memory (ms); revocation through this process is immediate. */
  authCacheMs: z.coerce.number().int().min(0).default(5_000),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Grace period (ms) for in-flight requests on SIGTERM before connections are cut. */
  shutdownGraceMs: z.coerce.number().int().min(0).default(10_000),
  // Distributed mode (Kafka). Setting TALLY_KAFKA_BROKERS switches the event sink to Kafka.
  /** Kafka bootstrap brokers, comma-separated (`host:port,host:port`); absent means the direct sink. */
  kafkaBrokers: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? undefined
        : v
            .split(',')
            .map((b) => b.trim())
            .filter((b) => b !== ''),
    )
    .refine((v) => v === undefined || (v.length > 0 && v.every((b) => /^[^\s:]+:\d{1,5}$/.test(b))), 'must be host:port[,host:port…]'),
  /** Topic the gateway produces accepted events to and the metering workers consume. */
  kafkaTopic: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,249}$/)
    .default('tally.events'),
  /** Topic poison messages are copied to (with their error) by the metering workers. */
  kafkaDeadLetterTopic: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,249}$/)
    .default('tally.events.dlq'),
  /** Partitions of the events topic when Tally creates it: the ceiling on metering workers doing work. */
  kafkaPartitions: z.coerce.number().int().positive().max(10_000).default(6),
  /** Produce compression (`none` or `gzip`; see ingest/sink/README.md for the measurement). */
  kafkaCompression: z.enum(['none', 'gzip']).default('none'),
  /** Gateway: how long the first event of an idle producer waits for company (ms) before one send. */
  kafkaLingerMs: z.coerce.number().int().min(0).max(1000).default(2),
  /** Gateway: most events in one send to the broker. */
  kafkaMaxBatchEvents: z.coerce.number().int().positive().default(10_000),
  /** Gateway: bytes of events queued or in flight to the broker; past it requests get 503. */
  kafkaMaxInFlightBytes: byteSize.default(64 * 1024 * 1024),
  /** Gateway: longest a request waits for the broker's ack (ms) before it gets 503. */
  kafkaSendTimeoutMs: z.coerce.number().int().positive().default(5_000),
  /** Metering workers' consumer group. */
  kafkaGroupId: z.string().min(1).default('tally-metering'),
  /**
   * Replicas of every topic Tally creates, and the least an existing topic must have (checked at
   * start). 3 for a cluster; 1 only for a single-broker development setup (deploy/local sets it).
   */
  kafkaReplicationFactor: z.coerce.number().int().min(1).max(32).default(3),
  /** Replicas that must have an event before acks=all acknowledges it (topic `min.insync.replicas`, checked at start). */
  kafkaMinInsyncReplicas: z.coerce.number().int().min(1).max(32).default(2),
  /**
   * Metering worker: consumer session timeout (ms). A worker silent this long loses its partitions,
   * and a crashed worker's partitions stand still this long (kafkajs has no static membership).
   * The brokers bound it (group.min.session.timeout.ms, 6 s by default).
   */
  kafkaSessionTimeoutMs: z.coerce.number().int().min(1_000).max(1_800_000).default(10_000),
  /** Metering worker: heartbeat interval (ms); at most a third of the session timeout. */
  kafkaHeartbeatIntervalMs: z.coerce.number().int().min(100).default(1_000),
  /** Metering worker: most rows per ClickHouse insert (flush on size). */
  meteringFlushRows: z.coerce.number().int().positive().default(10_000),
  /** Metering worker: longest a fetch waits to fill up before it is flushed anyway (ms; flush on time). */
  meteringFlushMs: z.coerce.number().int().min(0).max(60_000).default(200),
  /** Metering worker: bytes a fetch waits for (up to the flush time) before the broker answers. */
  meteringFetchMinBytes: byteSize.default(64 * 1024),
  /** Metering worker: partitions flushed at the same time, each through its own drain slot. */
  meteringPartitionsConcurrently: z.coerce.number().int().min(1).max(10_000).default(6),
  /** Metering worker: messages larger than this (bytes) are dead-lettered as `message_too_large`. */
  meteringMaxMessageBytes: byteSize.default(1024 * 1024),
  /**
   * Metering dedup window (days): an event counts as a duplicate when a stored event has its
   * org and id and a timestamp at most this far from its own (metering/README.md "Dedup window").
   */
  meteringDedupWindowDays: z.coerce.number().int().min(1).max(3660).default(34),
  /** Port of `tally metering`'s health and /metrics endpoints. */
  meteringPort: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Rating job schedule (croner syntax, UTC) for `tally scheduler` and `tally start`; "off" disables it in `tally start`. */
  ratingCron: z
    .string()
    .trim()
    .min(1)
    .default('15 * * * *')
    .superRefine((pattern, ctx) => {
      const problem = cronProblem(pattern)
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `must be "off" or a cron pattern (croner syntax, e.g. "15 * * * *"): ${problem}` })
    }),
  /** Hours after a billing date during which late events re-rate the draft; then it is finalized. */
  ratingGraceHours: z.coerce
    .number()
    .min(0)
    .max(24 * 90)
    .default(72),
  /**
   * Testing and rehearsal knob: an ISO instant with its offset (`2027-03-01T00:00:00Z`) the
   * process's clock starts at, then advances with real time; it moves "now" for the rating
   * scheduler, on-demand runs without `as_of`, grace periods and invoice dates. Unset: the
   * machine's clock. Cron ticks still follow real time.
   */
  clock: z.iso.datetime({ offset: true, message: 'must be an ISO instant with an offset, e.g. 2027-03-01T00:00:00Z' }).optional(),
})

export const configSchema = configObject.superRefine((c, ctx) => {
  if (c.bootstrapApiKey && !c.bootstrapOrg) {
    ctx.addIssue({
      code: 'custom',
      path: ['bootstrapOrg'],
      message: 'TALLY_BOOTSTRAP_API_KEY needs TALLY_BOOTSTRAP_ORG (the organisation the key belongs to)',
    })
  }
  // zod runs this even when a field failed its own check; compare only values that passed.
  if (c.kafkaReplicationFactor >= 1 && c.kafkaMinInsyncReplicas > c.kafkaReplicationFactor) {
    ctx.addIssue({
      code: 'custom',
      path: ['kafkaMinInsyncReplicas'],
      message: `${c.kafkaMinInsyncReplicas} is more than TALLY_KAFKA_REPLICATION_FACTOR (${c.kafkaReplicationFactor}): no write could ever be acknowledged`,
    })
  }
  if (c.kafkaSessionTimeoutMs >= 1_000 && c.kafkaHeartbeatIntervalMs * 3 > c.kafkaSessionTimeoutMs) {
    ctx.addIssue({
      code: 'custom',
      path: ['kafkaHeartbeatIntervalMs'],
      message: `${c.kafkaHeartbeatIntervalMs} ms is more than a third of TALLY_KAFKA_SESSION_TIMEOUT_MS (${c.kafkaSessionTimeoutMs} ms): one late heartbeat would cost the worker its partitions`,
    })
  }
})

export type Config = z.infer<typeof configSchema>

/** Why croner refuses a TALLY_RATING_CRON pattern, so `tally config check` says it before a process starts. */
function cronProblem(pattern: string): string | undefined {
  if (pattern === 'off') return undefined
  try {
    // A job with no function schedules nothing: this only parses the pattern.
    new Cron(pattern, { timezone: 'UTC' }).stop()
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}
export type ConfigKey = keyof typeof configObject.shape

/** `dataDir` → `TALLY_DATA_DIR`. */
export function envName(key: string): string {
  return 'TALLY_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()
}

export const configKeys = Object.keys(configObject.shape) as ConfigKey[]
