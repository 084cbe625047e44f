import { Session } from 'chdb'
import { type AnalystScope, checkScope, deniedFunctions } from './analyst-scope.js'
import { identifier } from './sql.js'

export interface AnalystLimits {
  timeoutSeconds: number
  maxRows: number
  /** Most memory one query may use (`max_memory_usage`), in MiB; DEFAULT_SQL_MEMORY_MB when not given. */
  maxMemoryMb?: number
}

const DEFAULT_SQL_MEMORY_MB = 1024

/** The memory cap in bytes, as ClickHouse's max_memory_usage takes it. */
export const memoryCapBytes = (limits: AnalystLimits) => Math.floor(limits.maxMemoryMb ?? DEFAULT_SQL_MEMORY_MB) * 2 ** 20

/**
 * Analyst SQL on embedded chDB. chDB keeps settings per session, so analysts
 * get a session of their own over the history's data directory: its limits
 * are set once and then locked by `readonly=1`, which refuses writes, DDL,
 * table functions that touch files or the network, and any change of a
 * setting — by `SET` or by a query's `SETTINGS` clause. The history sink's
 * session is untouched. What readonly allows but the history must not give
 * (system tables, other databases, the `file()` function) is refused by
 * `checkScope` on chDB's own parse of the statement, before it runs.
 */
export class ChdbAnalyst {
  private constructor(
    private readonly session: Session,
    private readonly scope: AnalystScope,
  ) {}

  static async open(dataDir: string, database: string, limits: AnalystLimits): Promise<ChdbAnalyst> {
    const session = new Session(dataDir)
    try {
      await session.queryAsync(`USE ${identifier(database)}`)
      // Read before the row limit applies: the engine's lists of functions are longer than an analyst's results may be.
      const scope = await scopeOf(session, database)
      await session.queryAsync(`SET max_execution_time = ${Math.floor(limits.timeoutSeconds)}`)
      await session.queryAsync(`SET max_result_rows = ${Math.floor(limits.maxRows)}`)
      await session.queryAsync(`SET result_overflow_mode = 'throw'`)
      // chDB shares one process with the API and the sink: a query that would take more memory ends, the process does not.
      await session.queryAsync(`SET max_memory_usage = ${memoryCapBytes(limits)}`)
      await session.queryAsync('SET output_format_json_quote_64bit_integers = 0')
      // Last: from here on no setting of this session can change.
      await session.queryAsync('SET readonly = 1')
      return new ChdbAnalyst(session, scope)
    } catch (err) {
      session.close()
      throw err
    }
  }

  /**
   * chDB runs every statement of a text, so the analyst's text is first
   * parsed as one statement (passed as a bound value, never run) and it is
   * chDB's re-formatting of that single statement that is checked and run —
   * inside `SELECT * FROM (…)`, where a FORMAT or INTO OUTFILE cannot stand.
   */
  async query(text: string): Promise<Array<Record<string, unknown>>> {
    const formatted = await this.session.queryBindAsync('SELECT formatQuerySingleLine({q:String})', { q: text }, { format: 'TSVRaw' })
    const statement = formatted.text().trim()
    checkScope((await this.session.queryAsync(`EXPLAIN AST ${statement}`, { format: 'TSVRaw' })).text(), this.scope)
    const result = await this.session.queryAsync(`SELECT * FROM (${statement})`, { format: 'JSONEachRow' })
    return result
      .text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  }

  close(): void {
    this.session.close()
  }
}

async function scopeOf(session: Session, database: string): Promise<AnalystScope> {
  const names = async (query: string) => (await session.queryAsync(query, { format: 'TSVRaw' })).text().split('\n').filter(Boolean)
  return {
    database,
    databases: new Set((await names('SELECT name FROM system.databases')).map((n) => n.toLowerCase())),
    deniedFunctions: deniedFunctions(await names('SELECT name FROM system.table_functions'), await names('SELECT name FROM system.functions')),
  }
}
