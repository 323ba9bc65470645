// Plain-text output for the CLI: aligned tables, and a one-line progress display that
// redraws in a terminal and prints steady lines when piped (CI logs stay readable).

export type Out = (line: string) => void

export interface TableOptions {
  /** Columns whose cells are right-aligned so their digits line up: amounts, quantities. */
  right?: string[]
  /** A last row below a rule: a total. */
  footer?: object
}

/** The CLI's one table format: UPPERCASE column names, two spaces between columns. */
export function table(rows: object[], columns?: string[], opts: TableOptions = {}): string {
  if (rows.length === 0 && opts.footer === undefined) return '(none)'
  const cols = columns ?? Object.keys(rows[0] ?? opts.footer!)
  const cellsOf = (r: object) => cols.map((c) => String((r as Record<string, unknown>)[c] ?? ''))
  const header = cols.map((c) => c.toUpperCase())
  const body = rows.map(cellsOf)
  const footer = opts.footer === undefined ? [] : [cellsOf(opts.footer)]
  const widths = cols.map((_, i) => Math.max(...[header, ...body, ...footer].map((row) => row[i]!.length)))
  const right = new Set(opts.right)
  const line = (values: string[]) =>
    values
      .map((v, i) => (right.has(cols[i]!) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [line(header), ...body.map(line), ...(footer.length === 0 ? [] : [rule, ...footer.map(line)])].join('\n')
}

export interface Progress {
  update(text: string): void
  done(text: string): void
}

export function progress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true
  let last = 0
  return {
    update(text) {
      if (tty) stream.write(`\r\x1b[2K${text}`)
      else if (Date.now() - last >= 1000) {
        stream.write(text + '\n')
        last = Date.now()
      }
    },
    done(text) {
      stream.write(tty ? `\r\x1b[2K${text}\n` : text + '\n')
    },
  }
}

/** "1 entry", "2 entries": a count with its noun in the number it takes. */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
