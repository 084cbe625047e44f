import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { basename, delimiter, dirname, join, resolve } from 'node:path'
import { isExecutable } from './server-process.js'

/**
 * A local clickhouse-server (Debian's 18.16 on these machines; any version that
 * reads a <yandex> config works) for tests and benchmarks. Only the HTTP port is
 * opened, on loopback; the native TCP and interserver ports are left out of the
 * config, so the server does not listen on them.
 */
export interface ClickHouseServerOptions {
  /** The server's data path, created if missing; its generated config lives in <dataDir>/seqline-config. */
  dataDir: string
  /** HTTP port; 0 or undefined picks a free loopback port. restart() keeps it. */
  port?: number
  /** Listen address; defaults to 127.0.0.1. */
  host?: string
  /** Defaults to clickhouse-server on PATH, /usr/sbin/clickhouse-server, then a multi-call clickhouse binary. */
  binary?: string
  /** A user besides `default` (which has no password and is limited to loopback). */
  user?: { name: string; password: string }
  /** Receives the server's stdout and stderr (appended). Defaults to <dataDir>/../clickhouse-server.log. */
  logFile?: string
  /** Server log level; defaults to warning (information logs two lines per query). */
  logLevel?: 'trace' | 'debug' | 'information' | 'warning' | 'error'
  /** Server time zone; defaults to UTC so DateTime text is the same on every machine. */
  timezone?: string
  /** Settings of the default profile (every user's), merged over the modest defaults below. */
  profileSettings?: Record<string, string | number>
  /**
   * Keep system.query_log (flushed every 500 ms), as stock configs of modern servers do; queries
   * are logged when the log_queries setting is on. Off by default: the log keeps every statement's text.
   */
  queryLog?: boolean
  /** How long to wait for GET /ping to answer Ok.; defaults to 30 s. */
  readyTimeoutMs?: number
}

/** The options resolved: what one launch of the server runs with. */
export interface ServerConfig {
  command: string
  /** ['server'] for a multi-call clickhouse binary. */
  commandArgs: string[]
  host: string
  dataDir: string
  configDir: string
  logFile: string
  logLevel: string
  timezone: string
  user: { name: string; password: string } | undefined
  profileSettings: Record<string, string | number>
  queryLog: boolean
  readyTimeoutMs: number
}

const SERVER_BINARIES = ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']
const MULTICALL_BINARIES = ['/usr/bin/clickhouse']

// Sized for tests and benchmarks on a small machine, not for production: the
// stock config asks for a 5 GiB mark cache and 8 GiB uncompressed cache.
const SERVER_CACHE_BYTES = 64 * 1024 * 1024
const DEFAULT_PROFILE: Record<string, string | number> = {
  max_memory_usage: 2 * 1024 * 1024 * 1024,
  // Merges and mutations; the stock 16 threads is far more than two cores need.
  background_pool_size: 4,
  background_schedule_pool_size: 4,
}

function findClickHouseServerBinary(): string | null {
  const path = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  const candidates = [
    ...path.map((dir) => join(dir, 'clickhouse-server')),
    ...SERVER_BINARIES,
    ...path.map((dir) => join(dir, 'clickhouse')),
    ...MULTICALL_BINARIES,
  ]
  return candidates.find(isExecutable) ?? null
}

/** Fills in the defaults and checks what would make an invalid config. */
export function resolveConfig(opts: ClickHouseServerOptions): ServerConfig {
  const binary = opts.binary ?? findClickHouseServerBinary()
  if (binary === null) {
    throw new Error(`clickhouse-server not found on PATH or at ${SERVER_BINARIES[0]}; run: bash ops/setup/install.sh`)
  }
  if (opts.user !== undefined && !XML_NAME.test(opts.user.name)) {
    throw new Error(`ClickHouse user name '${opts.user.name}' must match ${XML_NAME}`)
  }
  if (opts.user?.name === 'default') throw new Error("the extra ClickHouse user cannot be named 'default'")
  const dataDir = resolve(opts.dataDir)
  return {
    command: binary,
    commandArgs: basename(binary) === 'clickhouse' ? ['server'] : [],
    host: opts.host ?? '127.0.0.1',
    dataDir,
    configDir: join(dataDir, 'seqline-config'),
    logFile: resolve(opts.logFile ?? join(dirname(dataDir), 'clickhouse-server.log')),
    logLevel: opts.logLevel ?? 'warning',
    timezone: opts.timezone ?? 'UTC',
    user: opts.user,
    profileSettings: { ...DEFAULT_PROFILE, ...opts.profileSettings },
    queryLog: opts.queryLog ?? false,
    readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
  }
}

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Writes the server's config.xml and users.xml; returns the path of config.xml.
 * Rewritten on every launch (cheap), so a restart always runs the current options.
 */
export async function writeConfig(config: ServerConfig, port: number): Promise<string> {
  const dataPath = `${config.dataDir}/`
  const configFile = join(config.configDir, 'config.xml')
  const usersFile = join(config.configDir, 'users.xml')
  const server = `<?xml version="1.0"?>
<!-- Generated by Seqline's launcher (ops/servers/clickhouse-config.ts); rewritten on every start. -->
<yandex>
  <logger>
    <level>${config.logLevel}</level>
    <console>1</console>
  </logger>
  <listen_host>${xml(config.host)}</listen_host>
  <http_port>${port}</http_port>
  <path>${xml(dataPath)}</path>
  <tmp_path>${xml(join(config.dataDir, 'tmp'))}/</tmp_path>
  <user_files_path>${xml(join(config.dataDir, 'user_files'))}/</user_files_path>
  <format_schema_path>${xml(join(config.dataDir, 'format_schemas'))}/</format_schema_path>
  <users_config>${xml(usersFile)}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>${xml(config.timezone)}</timezone>
  <mark_cache_size>${SERVER_CACHE_BYTES}</mark_cache_size>
  <uncompressed_cache_size>${SERVER_CACHE_BYTES}</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <!-- SIGTERM waits for open connections, idle keep-alive ones included, until
       their clients close them or this idle timeout passes: 3 s (stock) stays above
       @clickhouse/client's 2.5 s idle-socket TTL, so the client never reuses a socket
       the server is closing. Close clients before stop() for a fast stop. -->
  <keep_alive_timeout>3</keep_alive_timeout>
  <shutdown_wait_unfinished>1</shutdown_wait_unfinished>
  <mlock_executable>false</mlock_executable>${config.queryLog ? QUERY_LOG : ''}
</yandex>
`
  const profile = Object.entries(config.profileSettings)
    .map(([name, value]) => `      <${xmlName(name)}>${xml(String(value))}</${name}>`)
    .join('\n')
  const extraUser =
    config.user === undefined
      ? ''
      : `
    <${config.user.name}>
      <password_sha256_hex>${createHash('sha256').update(config.user.password).digest('hex')}</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </${config.user.name}>`
  const users = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
${profile}
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>${extraUser}
  </users>
  <quotas>
    <default></default>
  </quotas>
</yandex>
`
  await writeFile(usersFile, users)
  await writeFile(configFile, server)
  return configFile
}

const QUERY_LOG = `
  <query_log>
    <database>system</database>
    <table>query_log</table>
    <flush_interval_milliseconds>500</flush_interval_milliseconds>
  </query_log>`

function xmlName(name: string): string {
  if (!XML_NAME.test(name)) throw new Error(`ClickHouse setting name '${name}' must match ${XML_NAME}`)
  return name
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
