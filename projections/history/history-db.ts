import { mkdirSync } from 'node:fs'
import { type ClickHouseClient, type ClickHouseSettings, createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { type Capabilities, capabilitiesOf } from './capabilities.js'
import { identifier, Sql } from './sql.js'

export interface HistoryDbOptions {
  /** A ClickHouse server; without it the history lives in embedded chDB at `chdbPath`. */
  url?: string
  user?: string
  password?: string
  database: string
  chdbPath?: string
}

export type Backend = 'chdb' | 'server'

// 64-bit numbers as JSON numbers: seqs and epoch milliseconds stay below 2^53.
const SETTINGS: ClickHouseSettings = { output_format_json_quote_64bit_integers: 0 }

/**
 * The ClickHouse that holds the history — embedded chDB or a server, behind
 * the same @clickhouse/client — with what it can do. Every statement goes
 * through here, with its values bound or escaped by `Sql`.
 */
export class HistoryDb {
  private readonly closers: Array<() => Promise<void>> = []

  private constructor(
    readonly client: ClickHouseClient,
    readonly backend: Backend,
    readonly database: string,
    readonly caps: Capabilities,
  ) {}

  static async open(opts: HistoryDbOptions): Promise<HistoryDb> {
    const database = identifier(opts.database)
    const client = opts.url ? serverClient(opts) : chdbClient(opts.chdbPath ?? ':memory:')
    try {
      const caps = await detect(client)
      await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` })
      return new HistoryDb(client, opts.url ? 'server' : 'chdb', database, caps)
    } catch (err) {
      await client.close().catch(() => undefined)
      throw err
    }
  }

  /** A statement builder matching the server: bound parameters or escaped literals. */
  sql(): Sql {
    return new Sql(this.caps.queryParams)
  }

  /** A table name qualified with the history database. */
  table(name: string): string {
    return `${this.database}.${identifier(name)}`
  }

  async rows<T>(query: string, sql: Sql = this.sql(), settings: ClickHouseSettings = {}): Promise<T[]> {
    const result = await this.client.query({
      query,
      query_params: sql.queryParams,
      format: 'JSONEachRow',
      clickhouse_settings: { ...SETTINGS, ...settings },
    })
    return result.json<T>()
  }

  async command(query: string, sql: Sql = this.sql(), settings: ClickHouseSettings = {}): Promise<void> {
    await this.client.command({ query, query_params: sql.queryParams, clickhouse_settings: settings })
  }

  async insert(table: string, values: object[]): Promise<void> {
    if (values.length === 0) return
    await this.client.insert({ table: this.table(table), values, format: 'JSONEachRow' })
  }

  /**
   * Inserts rows already encoded as JSON lines, as one statement with its
   * data inline: the sink encodes each row as its event arrives, and the
   * client's insert would encode every row again. The server reads the same
   * bytes as from an insert (which sends the statement in the URL and the
   * rows as the body); data after FORMAT is not bound by max_query_size.
   */
  async insertEncoded(table: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return
    await this.client.command({ query: `INSERT INTO ${this.table(table)} FORMAT JSONEachRow\n${lines.join('\n')}` })
  }

  /** chDB's data directory (the same for every session of the process, ':memory:' included). */
  async dataDir(): Promise<string> {
    const [disk] = await this.rows<{ path: string }>(`SELECT path FROM system.disks WHERE name = 'default'`)
    if (!disk) throw new Error('chDB reports no default disk')
    return disk.path
  }

  /** Work to finish before the connection closes, such as a session over the same data. */
  onClose(close: () => Promise<void>): void {
    this.closers.push(close)
  }

  async close(): Promise<void> {
    await Promise.all(this.closers.splice(0).map((close) => close()))
    await this.client.close()
  }
}

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection']

function serverClient(opts: HistoryDbOptions): ClickHouseClient {
  return createClient({
    url: opts.url,
    username: opts.user ?? 'default',
    password: opts.password ?? '',
    request_timeout: 60_000,
    clickhouse_settings: SETTINGS,
  })
}

function chdbClient(path: string): ClickHouseClient {
  if (path !== ':memory:') mkdirSync(path, { recursive: true })
  // chdb types its connection against its own copy of @clickhouse/client-common; the contract is the same.
  const connection = createChdbConnection({ path }) as unknown as ClientConnection
  return createClient({ connection })
}

async function detect(client: ClickHouseClient): Promise<Capabilities> {
  const version = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' })
  const [row] = await version.json<{ version: string }>()
  const names = await client.query({ query: 'SELECT name FROM system.settings', format: 'JSONEachRow' })
  const settings = new Set((await names.json<{ name: string }>()).map((r) => r.name))
  const tableNames = await client.query({ query: 'SELECT name FROM system.merge_tree_settings', format: 'JSONEachRow' })
  const tableSettings = new Set((await tableNames.json<{ name: string }>()).map((r) => r.name))
  return capabilitiesOf(row?.version ?? '0', settings, tableSettings)
}
