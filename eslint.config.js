import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// DESIGN's "may import" table, enforced: each folder lists the top-level folders it may import
// from. app/ (the composition roots and the CLI) may import everything, so it has no entry;
// tests (test/**, *.test.ts) may import everything too. Deviations from DESIGN and their
// reasons are recorded in app/README.md.
const FOLDERS = ['app', 'platform', 'ingest', 'metering', 'sql', 'rating', 'ledger', 'connectors', 'console']
const MAY_IMPORT = {
  platform: [],
  // The writer side only: EventRow, the event writer and the Kafka event message.
  ingest: ['platform', 'metering'],
  metering: ['platform'],
  // Stored-event names and the event writer the quantities suite fills tables with.
  sql: ['platform', 'metering'],
  rating: ['platform', 'sql', 'ledger'],
  ledger: ['platform'],
  // Sources write into the event log (ingest's port); ERP adapters read the ledger's outbox.
  connectors: ['platform', 'ingest', 'ledger'],
  // The console works over the HTTP API: besides platform, only the API's schema files (below).
  console: ['platform'],
}

// Folders a folder may reach only for their HTTP schema files (`<domain>/http/<name>Schemas.ts`):
// the console types the API's answers with them and reaches the domains no other way.
const SCHEMAS_ONLY = { console: ['sql', 'ledger', 'rating', 'metering', 'ingest', 'connectors'] }

const TEST_FILES = ['test/**', '**/*.test.ts']

// Narrower doors inside an allowed folder: rating reaches the ledger through its port only.
const ONLY_THROUGH = {
  rating: [
    {
      folder: 'ledger',
      file: ['ratingStore.ts', 'alertStore.ts'],
      why: 'rating reads and writes the ledger through its ports, ledger/ratingStore.ts and (the alert job) ledger/alertStore.ts (ledger/README.md)',
    },
  ],
  connectors: [
    {
      folder: 'ledger',
      file: ['erpStore.ts', 'sourceStore.ts', 'webhookStore.ts'],
      why: 'ERP adapters and the outbox drain reach the ledger through ledger/erpStore.ts, data sources through ledger/sourceStore.ts, webhook delivery through ledger/webhookStore.ts (ledger/README.md)',
    },
  ],
}

function importRules(folder) {
  const schemasOnly = SCHEMAS_ONLY[folder] ?? []
  const forbidden = FOLDERS.filter((f) => f !== folder && !MAY_IMPORT[folder].includes(f) && !schemasOnly.includes(f))
  const schemas =
    schemasOnly.length === 0
      ? []
      : [
          {
            regex: `^(\\.\\./)+(${schemasOnly.join('|')})/(?!(.+/)?http/\\w+Schemas\\.ts$)`,
            message: `${folder}/ may import ${schemasOnly.join(', ')} only through their HTTP schema files (<folder>/http/<name>Schemas.ts): it works over the API (DESIGN's "may import" table; app/README.md).`,
          },
        ]
  const ports = (ONLY_THROUGH[folder] ?? []).map((p) => ({
    regex: `^(\\.\\./)+${p.folder}/(?!(${[p.file]
      .flat()
      .map((f) => f.replace('.', '\\.'))
      .join('|')})$)`,
    message: `${folder}/ may import ${p.folder}/ only through ${[p.file]
      .flat()
      .map((f) => `${p.folder}/${f}`)
      .join(' or ')}: ${p.why}.`,
  }))
  return {
    files: [`${folder}/**`],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Sources are relative (`../../ledger/x.ts`); no folder inside a domain is named
              // like a top-level folder, so the first named segment after the `../`s is the floor.
              regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
              message: `${folder}/ may import only ${['itself', ...MAY_IMPORT[folder]].join(', ')} (DESIGN's "may import" table; app/README.md).`,
            },
            ...ports,
            ...schemas,
          ],
        },
      ],
    },
  }
}

const NO_PROCESS_ENV = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Read configuration through platform/config only.',
}
// no-restricted-imports does not see import(): below app/ every import is static, so the
// table above sees every edge. app/cli loads commands lazily, and bin/ starts the CLI.
const NO_DYNAMIC_IMPORT = {
  selector: 'ImportExpression',
  message: 'Import statically: the import rules (eslint.config.js) do not see import(). Lazy loading belongs in app/.',
}

export default tseslint.config(
  { ignores: ['node_modules/**', '.tally/**', 'ledger/migrations/**', 'deploy/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', NO_PROCESS_ENV, NO_DYNAMIC_IMPORT],
    },
  },
  {
    files: ['app/**', 'bin/**'],
    rules: { 'no-restricted-syntax': ['error', NO_PROCESS_ENV] },
  },
  {
    files: ['platform/config/**'],
    rules: { 'no-restricted-syntax': ['error', NO_DYNAMIC_IMPORT] },
  },
  {
    files: TEST_FILES,
    rules: { 'no-restricted-syntax': 'off' },
  },
  ...Object.keys(MAY_IMPORT).map(importRules),
  {
    // Tests read loosely typed JSON answers; production code may not.
    files: TEST_FILES,
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)
