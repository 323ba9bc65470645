// `npm run bench`: runs the chosen stages, prints progress, writes the results as JSON under
// test/bench/results/ (gitignored) and, with --docs, the tables into docs/benchmarks.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseOptions } from './options.ts'
import { machineInfo } from './machine.ts'
import { renderMarkdown, writeDocs, type BenchReport } from './report.ts'
import { stageList } from './stageList.ts'
import type { StageContext } from './stages.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2))
  const resultsDir = join(root, 'test', 'bench', 'results')
  mkdirSync(resultsDir, { recursive: true })
  const started = new Date()
  const stamp = started.toISOString().replace(/[:.]/g, '-').slice(0, 19)
  const report: BenchReport = {
    date: started.toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    options: opts,
    machine: await machineInfo(),
    stages: [],
  }
  const log = (line: string) => console.log(line)
  const ctx: StageContext = {
    opts,
    log,
    profDir: (stage) => {
      if (opts.profile !== stage) return undefined
      const dir = join(resultsDir, 'prof', `${stamp}-stage${stage}`)
      mkdirSync(dir, { recursive: true })
      return dir
    },
  }
  for (const stage of stageList()) {
    if (!opts.stages.includes(stage.id)) continue
    log(`\nstage ${stage.id}: ${stage.title}`)
    const t0 = performance.now()
    try {
      const result = await stage.run(ctx)
      report.stages.push({ id: stage.id, title: stage.title, seconds: (performance.now() - t0) / 1000, ...result })
    } catch (err) {
      const message = (err as Error).message
      log(`  stage ${stage.id} failed: ${message}`)
      report.stages.push({
        id: stage.id,
        title: stage.title,
        seconds: (performance.now() - t0) / 1000,
        comparisons: [],
        notes: [`failed: ${message}`],
        failed: true,
      })
    }
    // Partial results survive a later crash.
    writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify(report, null, 2))
  }
  if (opts.include !== undefined) {
    // A long stage (the 10M-event query stage) can be run once and reported with later runs.
    for (const file of opts.include.split(',')) {
      const earlier = JSON.parse(readFileSync(file, 'utf8')) as BenchReport
      for (const stage of earlier.stages) {
        if (report.stages.some((s) => s.id === stage.id)) continue
        const from = `from the run of ${earlier.date.slice(0, 16).replace('T', ' ')} UTC (\`${earlier.command}\`, load at start ${earlier.machine.loadAtStart.map((l) => l.toFixed(2)).join(' / ')})`
        report.stages.push({ ...stage, notes: stage.notes[0]?.startsWith('from the run of') === true ? stage.notes : [from, ...stage.notes] })
      }
    }
    report.stages.sort((a, b) => Number(a.id) - Number(b.id))
    writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify(report, null, 2))
  }
  const markdown = renderMarkdown(report)
  writeFileSync(join(resultsDir, `${stamp}.md`), markdown)
  log(`\n${markdown}`)
  log(`results: test/bench/results/${stamp}.json`)
  if (opts.docs) {
    writeDocs(join(root, 'docs', 'benchmarks.md'), markdown)
    log('wrote docs/benchmarks.md')
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
