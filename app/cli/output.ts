// Plain-text output for the CLI: aligned tables, and a one-line progress display that
// redraws in a terminal and prints steady lines when piped (CI logs stay readable).

export type Out = (line: string) => void

export function table(rows: object[], columns?: string[]): string {
  if (rows.length === 0) return '(none)'
  const cols = columns ?? Object.keys(rows[0]!)
  const cells = rows.map((r) => cols.map((c) => String((r as Record<string, unknown>)[c] ?? '')))
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)))
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(cols.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n')
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
