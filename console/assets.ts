// The console's client code and styles, bundled by esbuild in memory the first time a page
// asks for them (nothing generated is written to disk or committed). Each file is named by a
// hash of its contents, so browsers may cache it for good; every asset is served by Tally.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

export interface Asset {
  contents: Uint8Array
  contentType: string
}

export interface Assets {
  /** The URL path under /console/assets/ of an entry: `console.js`, `editor.js`, `tail.js`, `console.css`. */
  url(entry: AssetEntry): string
  get(file: string): Asset | undefined
}

export type AssetEntry = 'console.js' | 'editor.js' | 'tail.js' | 'console.css'

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

const ENTRIES = {
  console: here('./client/console.ts'),
  editor: here('./client/metricEditor.ts'),
  tail: here('./client/liveTail.ts'),
  // A separate name so the stylesheet and console.js do not share an output name.
  'console-styles': here('./console.css'),
}

export async function buildAssets(): Promise<Assets> {
  const result = await build({
    entryPoints: ENTRIES,
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: '/assets',
    entryNames: '[name]-[hash]',
    logLevel: 'silent',
  })
  const files = new Map<string, Asset>()
  for (const out of result.outputFiles) {
    const name = out.path.slice(out.path.lastIndexOf('/') + 1)
    files.set(name, { contents: out.contents, contentType: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8' })
  }
  // Outputs are named `<entry>-<hash>.<ext>` (entryNames); the hash is esbuild's base32.
  const output = (entry: keyof typeof ENTRIES, ext: string) => [...files.keys()].find((n) => new RegExp(`^${entry}-[A-Z0-9]+\\.${ext}$`).test(n))
  const urlOf: Record<AssetEntry, string | undefined> = {
    'console.js': output('console', 'js'),
    'editor.js': output('editor', 'js'),
    'tail.js': output('tail', 'js'),
    'console.css': output('console-styles', 'css'),
  }
  for (const [entry, name] of Object.entries(urlOf)) if (name === undefined) throw new Error(`console assets: no output for ${entry}`)
  return {
    url: (entry) => `/console/assets/${urlOf[entry]}`,
    get: (file) => files.get(file),
  }
}

/** Builds once, on first use; a failed build is retried on the next use. */
export function lazyAssets(): () => Promise<Assets> {
  let pending: Promise<Assets> | undefined
  return () =>
    (pending ??= buildAssets().catch((err: unknown) => {
      pending = undefined
      throw err
    }))
}
