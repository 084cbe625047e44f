import { readFileSync } from 'node:fs'
import { CONFIG_DEFAULTS, CONFIG_ENV, Config, createAjv, ORIGIN } from '../schemas/index.js'

/** Settings the schema types as integers: their environment variables are read as whole numbers (the rest as strings). */
const INTEGER_KEYS = new Set(
  Object.entries(Config.properties)
    .filter(([, schema]) => (schema as { type?: string }).type === 'integer')
    .map(([key]) => key as keyof Config),
)

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

const validate = createAjv().compile(Config)

/**
 * Reads and checks the configuration: defaults, then the JSON file named by
 * SEQLINE_CONFIG (keys as in the Config schema), then environment variables.
 * Throws a ConfigError naming every bad value, so nothing starts half-configured.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = []
  const raw: Record<string, unknown> = { ...CONFIG_DEFAULTS, ...readFile(env.SEQLINE_CONFIG, problems) }
  for (const [key, name] of Object.entries(CONFIG_ENV) as Array<[keyof Config, string]>) {
    const value = env[name]
    if (value === undefined || value === '') continue
    if (!INTEGER_KEYS.has(key)) {
      raw[key] = value
      continue
    }
    if (!/^\d+$/.test(value)) problems.push(`${name}=${JSON.stringify(value)}: must be a whole number`)
    else raw[key] = Number(value)
  }
  problems.push(...originProblems(raw.corsOrigins))
  if (problems.length === 0 && !validate(raw)) {
    for (const e of validate.errors ?? []) {
      const key = (e.instancePath.slice(1) || String(e.params.additionalProperty ?? '')) as keyof Config
      const from = env[CONFIG_ENV[key]] !== undefined ? CONFIG_ENV[key] : `${env.SEQLINE_CONFIG ?? 'defaults'}: ${key}`
      problems.push(`${from}=${JSON.stringify(env[CONFIG_ENV[key]] ?? raw[key])}: ${e.message}`)
    }
  }
  if (problems.length === 0) problems.push(...pairingProblems(raw as Config), ...roleProblems(raw as Config))
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`)
  return raw as Config
}

function readFile(path: string | undefined, problems: string[]): Record<string, unknown> {
  if (!path) return {}
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>
    problems.push(`SEQLINE_CONFIG=${path}: must hold a JSON object`)
  } catch (err) {
    problems.push(`SEQLINE_CONFIG=${path}: ${(err as Error).message}`)
  }
  return {}
}

/**
 * Names each entry of the CORS list that is not an origin: the schema's pattern refuses
 * the whole list, which in a long one hides which entry is wrong.
 */
function originProblems(value: unknown): string[] {
  if (typeof value !== 'string') return []
  const origin = new RegExp(`^${ORIGIN}$`)
  return value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => !origin.test(o))
    .map(
      (o) => `${CONFIG_ENV.corsOrigins}: ${JSON.stringify(o)} is not an origin: scheme://host[:port] with no path, not even "/" (e.g. https://app.example.com)`,
    )
}

/** Settings that only make sense together, and ways to authenticate that exclude each other. */
/**
 * A process that runs one role is one of several sharing the servers: they
 * must name the same NATS (each would start its own), and the API and the sink
 * the same ClickHouse server (embedded chDB belongs to one process).
 */
function roleProblems(c: Config): string[] {
  if (c.role === 'all') return []
  const problems: string[] = []
  if (!c.natsUrl) problems.push(`SEQLINE_ROLE=${c.role} runs beside other processes: set SEQLINE_NATS_URL to the NATS they share`)
  if ((c.role === 'api' || c.role === 'sink') && !c.clickhouseUrl) {
    problems.push(
      `SEQLINE_ROLE=${c.role} needs SEQLINE_CLICKHOUSE_URL: embedded chDB belongs to one process, so the API and the sink share a ClickHouse server`,
    )
  }
  return problems
}

function pairingProblems(c: Config): string[] {
  const problems: string[] = []
  const pair = (a: keyof Config, b: keyof Config) => {
    if (Boolean(c[a]) !== Boolean(c[b])) problems.push(`${CONFIG_ENV[a]} and ${CONFIG_ENV[b]} go together: set both or neither`)
  }
  pair('natsUser', 'natsPassword')
  pair('natsCertFile', 'natsKeyFile')
  pair('tlsCertFile', 'tlsKeyFile')
  pair('clickhouseUser', 'clickhousePassword')
  if (!c.clickhouseUrl && c.clickhouseUser) problems.push('ClickHouse credentials apply to a configured server: set SEQLINE_CLICKHOUSE_URL')
  const ways = (['natsToken', 'natsUser', 'natsCredsFile'] as const).filter((k) => c[k])
  if (ways.length > 1) problems.push(`${ways.map((k) => CONFIG_ENV[k]).join(', ')}: choose one way to authenticate to NATS`)
  if (!c.natsUrl && (ways.length > 0 || c.natsCaFile || c.natsCertFile)) {
    problems.push('NATS credentials and TLS settings apply to a configured server: set SEQLINE_NATS_URL')
  }
  return problems
}
