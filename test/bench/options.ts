// Command-line options of `npm run bench`. Defaults give a full run in roughly 15–20 minutes
// on two cores; `--duration 3 --rounds 3` is a quick look.
import type { NumberStyle } from './events.ts'
import { parseArgs } from 'node:util'

export interface BenchOptions {
  stages: string[]
  durationSec: number
  warmupSec: number
  rounds: number
  connections: number
  batchSize: number
  /** Extra mixed load for the end-to-end stages: share of requests that are batches (0 = none). */
  mix: number
  /** `data` numbers as strings (reference docs' style) or as JSON number literals (`--numbers json`). */
  numbers: NumberStyle
  customers: number
  /** Events generated for the query stage (7); 100M needs ~10 GB of disk and tens of minutes. */
  queryEvents: number
  /** Rows per insert in the writer stage (4); the metering worker's default flush size. */
  writerBatchRows: number
  /** Contracts rated per round in stage 8. */
  contracts: number
  /** Source rows synced per source kind in stage 12. */
  sourceRows: number
  /** Write docs/benchmarks.md's results section from this run. */
  docs: boolean
  /** Stage whose Tally server gets a V8 CPU profile (written under test/bench/results/prof). */
  profile?: string
  verbose: boolean
  /** Earlier results JSON whose stages are reported where this run did not run them. */
  include?: string
}

export const ALL_STAGES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13']

const HELP = `npm run bench -- [options]

  --stages 1,2,4     stages to run (default: all; 3 and 5 need Kafka at TALLY_BENCH_KAFKA or 127.0.0.1:9092)
  --duration 10      seconds per measured run (default 10)
  --warmup 3         seconds of the discarded warm-up run (default 3)
  --rounds 3         measured rounds per side, alternating baseline and Tally (default 3, minimum 3;
                     1 is accepted when stage 8 runs alone: one 100k or 300k rating run)
  --numbers string   how events write their numbers: string ("tokens": "812", the default) or json ("tokens": 812)
  --connections 32   keep-alive connections of the load generator (default 32)
  --batch-size 100   events per batch request (default 100)
  --mix 0.1          also run the end-to-end stages with this share of batch requests
  --customers 200    customers the events are spread over (default 200)
  --query-events 10M events generated for stage 7 (default 10M; 100M takes long)
  --writer-rows 10000 rows per insert in stage 4 (default 10000)
  --contracts 10000  contracts rated per round in stage 8 (default 10000)
  --source-rows 1M   rows synced from each source (Postgres, MariaDB) in stage 12 (default 1M)
  --profile 6        CPU-profile the Tally server of this stage (--cpu-prof)
  --include A.json,B.json  report the stages of earlier results that this run skips
  --docs             write the results into docs/benchmarks.md
  --verbose          show the servers' logs
`

function count(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim())
  if (m === null) throw new Error(`not a count: ${text}`)
  const unit = (m[2] ?? '').toLowerCase()
  return Math.round(Number(m[1]) * (unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : 1))
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      stages: { type: 'string', default: ALL_STAGES.join(',') },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      'batch-size': { type: 'string', default: '100' },
      mix: { type: 'string', default: '0' },
      numbers: { type: 'string', default: 'string' },
      customers: { type: 'string', default: '200' },
      'query-events': { type: 'string', default: '10M' },
      'writer-rows': { type: 'string', default: '10000' },
      contracts: { type: 'string', default: '10000' },
      'source-rows': { type: 'string', default: '1M' },
      profile: { type: 'string' },
      include: { type: 'string' },
      docs: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(HELP)
    process.exit(0)
  }
  const stages = values.stages
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const unknown = stages.filter((s) => !ALL_STAGES.includes(s))
  if (unknown.length > 0) throw new Error(`unknown stage(s) ${unknown.join(', ')}; stages are ${ALL_STAGES.join(', ')}`)
  if (values.numbers !== 'string' && values.numbers !== 'json') throw new Error('--numbers is string or json')
  const rounds = Number(values.rounds)
  const ratingAlone = stages.length === 1 && stages[0] === '8'
  if (!(rounds >= 3 || (ratingAlone && rounds >= 1))) throw new Error('--rounds must be at least 3 (1 or 2 only with --stages 8 alone)')
  return {
    stages,
    durationSec: Number(values.duration),
    warmupSec: Number(values.warmup),
    rounds,
    connections: Number(values.connections),
    batchSize: Number(values['batch-size']),
    mix: Number(values.mix),
    numbers: values.numbers,
    customers: Number(values.customers),
    queryEvents: count(values['query-events']),
    writerBatchRows: count(values['writer-rows']),
    contracts: count(values.contracts),
    sourceRows: count(values['source-rows']),
    docs: values.docs,
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values.include === undefined ? {} : { include: values.include }),
    verbose: values.verbose,
  }
}
