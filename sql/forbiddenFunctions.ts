// Functions a template may not call, compared case-insensitively. They read outside the
// template's scope (dictionaries, other tables, files, server state) or stall the engine.
// Table functions (`file`, `url`, `s3`, `remote`, `mysql`, `numbers`, …) are refused by
// position instead: nothing may stand in a FROM or JOIN but a table name.
//
// NOTE: a deny list is the weak form of this wall, so it is backed by two more: every
// executed query is checked again as a whole (only the scope's tables may appear), and it
// runs with readonly=1 and resource limits. Review this list when ClickHouse is upgraded:
// `SELECT name FROM system.functions` lists what the engine offers.

const EXACT = new Set(
  [
    // Other tables, files and external state.
    'file',
    'joinGet',
    'joinGetOrNull',
    'hasColumnInTable',
    'globalVariable',
    'getMacro',
    'filesystemAvailable',
    'filesystemCapacity',
    'filesystemUnreserved',
    'getMaxTableNameLengthForDatabase',
    'catboostEvaluate',
    'evalMLMethod',
    'modelEvaluate',
    'generateSerialID',
    'getTypeSerializationStreams',
    // Server, session and user state.
    'getSetting',
    'getSettingOrDefault',
    'getServerSetting',
    'getMergeTreeSetting',
    'getServerPort',
    'getClientHTTPHeader',
    'getOSKernelVersion',
    'hostName',
    'hostname',
    'fullHostName',
    'FQDN',
    'currentUser',
    'current_user',
    'user',
    'authUser',
    'authenticatedUser',
    'session_user',
    'currentDatabase',
    'current_database',
    'DATABASE',
    'SCHEMA',
    'currentSchemas',
    'current_schemas',
    'currentProfiles',
    'currentRoles',
    'enabledRoles',
    'defaultRoles',
    'enabledProfiles',
    'defaultProfiles',
    'currentQueryID',
    'current_query_id',
    'queryID',
    'query_id',
    'initialQueryID',
    'initial_query_id',
    'initialQueryStartTime',
    'initial_query_start_time',
    'serverUUID',
    'uptime',
    'version',
    'revision',
    'buildId',
    'tcpPort',
    'connectionId',
    'connection_id',
    'displayName',
    'zookeeperSessionUptime',
    'shardNum',
    'shardCount',
    'transactionID',
    'transactionLatestSnapshot',
    'transactionOldestSnapshot',
    // Introspection and stalls.
    'addressToLine',
    'addressToLineWithInlines',
    'addressToSymbol',
    'demangle',
    'logTrace',
    'sleep',
    'sleepEachRow',
    'fuzzQuery',
    'showCertificate',
    'naiveBayesClassifier',
  ].map((n) => n.toLowerCase()),
)

/**
 * `dictGet*`, `dictHas`, … read dictionaries; `__*` are the engine's internal functions;
 * `ai*` (aiGenerate, aiClassify, aiEmbed, …) call external model services over the network;
 * `naiveBayes*` read models from server files.
 */
const PREFIXES = ['dict', '__', 'ai', 'naivebayes']

export type ForbiddenReason = 'dictionary_forbidden' | 'function_forbidden'

/** Why `name` may not be called, or null when it may. */
export function forbiddenFunction(name: string): ForbiddenReason | null {
  const lower = name.toLowerCase()
  if (lower.startsWith('dict')) return 'dictionary_forbidden'
  if (EXACT.has(lower) || PREFIXES.some((p) => lower.startsWith(p))) return 'function_forbidden'
  return null
}

/** The IN family: a bare name as the right operand (`x IN some_table`) reads that table. */
export const IN_FUNCTIONS = new Set(
  ['in', 'notIn', 'globalIn', 'globalNotIn', 'nullIn', 'notNullIn', 'globalNullIn', 'globalNotNullIn'].map((n) => n.toLowerCase()),
)
