import { Config, CONFIG_DEFAULTS, CONFIG_ENV } from '../schemas/config.js'
import { createAjv } from '../schemas/validator.js'

const INTEGER_KEYS = new Set<keyof Config>(['natsPort', 'partitions', 'replicas', 'duplicateWindowMs', 'apiPort', 'bodyLimitBytes', 'rateLimitPerMinute'])

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

const validate = createAjv().compile(Config)

/** Reads and checks the configuration; throws a ConfigError naming every bad variable and its value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = { ...CONFIG_DEFAULTS }
  const problems: string[] = []
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
  if (problems.length === 0 && !validate(raw)) {
    for (const e of validate.errors ?? []) {
      const key = e.instancePath.slice(1) as keyof Config
      problems.push(`${CONFIG_ENV[key] ?? key}=${JSON.stringify(env[CONFIG_ENV[key]] ?? raw[key])}: ${e.message}`)
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`)
  return raw as Config
}
