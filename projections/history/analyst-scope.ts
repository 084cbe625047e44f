/** An analyst's query that Seqline refuses before it runs, with the code the API answers. */
export class AnalystSqlRefused extends Error {
  override readonly name = 'AnalystSqlRefused'
  constructor(
    readonly code: 'SQL_READ_ONLY' | 'SQL_OUTSIDE_HISTORY',
    message: string,
  ) {
    super(message)
  }
}

/** What an analyst's query may reach: the history database, and functions that read nothing else. */
export interface AnalystScope {
  /** Seqline's history database: the only one a query may name. */
  database: string
  /** Every database of the engine, lower-cased; naming any other than `database` is refused. */
  databases: ReadonlySet<string>
  /** Functions and table functions, lower-cased, that read files, URLs, other servers, dictionaries or settings. */
  deniedFunctions: ReadonlySet<string>
}

// Table functions that only generate values: they read nothing outside the query.
const GENERATORS = new Set(['numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generate_series', 'generateseries', 'values'])

// Ordinary functions that read outside the history: files, dictionaries, Join tables, server and table settings, models.
const OUTSIDE_READERS = [
  'file',
  'joinget',
  'joingetornull',
  'getserversetting',
  'getmergetreesetting',
  'hascolumnintable',
  'catboostevaluate',
  'naivebayesclassifier',
]

/** Denied function names: every table function but the generators, every `dict*` function, and the readers above. */
export function deniedFunctions(tableFunctions: readonly string[], functions: readonly string[]): Set<string> {
  const denied = new Set(OUTSIDE_READERS)
  for (const name of tableFunctions) if (!GENERATORS.has(name.toLowerCase())) denied.add(name.toLowerCase())
  for (const name of functions) if (name.toLowerCase().startsWith('dict')) denied.add(name.toLowerCase())
  return denied
}

/**
 * Checks ClickHouse's own parse of one statement (`EXPLAIN AST`, which runs
 * nothing): it must be a SELECT, name no database but the history's, and call
 * no function that reads outside it. Working on the engine's parse rather than
 * on the text means comments, quoting and case cannot hide a name.
 */
export function checkScope(ast: string, scope: AnalystScope): void {
  const [root = ''] = ast.split('\n')
  if (!/^Select(WithUnion|IntersectExcept)Query\b/.test(root)) throw new AnalystSqlRefused('SQL_READ_ONLY', `only a SELECT may run, not ${root.split(' ')[0]}`)
  const lines = ast.split('\n')
  const aliases = tableAliases(lines)
  for (const line of lines) {
    const node = /^\s*(TableIdentifier|Identifier|Function) (\S+)/.exec(line)
    if (!node) continue
    const [, kind, name = ''] = node
    if (kind === 'Function') refuseFunction(name, scope)
    else refuseDatabase(name, kind === 'TableIdentifier', scope, aliases)
  }
}

/**
 * The aliases the query gives its tables and subqueries in FROM and JOIN
 * (`FROM messages AS system`): `system.seq` then names a column of that
 * table, not the system database — ClickHouse resolves a table alias before a
 * database name (`seq IN system.one` under that alias is a column of it, and
 * unknown). Only aliases of table expressions count: a column alias does not
 * shadow a database.
 */
function tableAliases(lines: readonly string[]): Set<string> {
  const aliases = new Set<string>()
  const kindAt: string[] = []
  for (const line of lines) {
    const depth = line.length - line.trimStart().length
    const kind = line.trimStart().split(' ')[0] ?? ''
    kindAt[depth] = kind
    const alias = /\(alias (\S+?)\)/.exec(line)?.[1]
    if (alias && kindAt[depth - 1] === 'TableExpression') aliases.add(alias)
  }
  return aliases
}

function refuseFunction(name: string, scope: AnalystScope): void {
  if (!scope.deniedFunctions.has(name.toLowerCase())) return
  throw new AnalystSqlRefused('SQL_OUTSIDE_HISTORY', `${name}() reads outside the history database ${scope.database}`)
}

/**
 * A table is unqualified (the session's database is the history's) or
 * qualified with the history database; any other identifier whose first part
 * names a database (`x IN system.tables`) is refused too, unless that part is
 * one of the query's table aliases.
 */
function refuseDatabase(name: string, isTable: boolean, scope: AnalystScope, aliases: ReadonlySet<string>): void {
  const parts = name.split('.')
  if (parts.length < 2) return
  const database = parts[0]!
  if (database === scope.database) return
  if (!isTable && (!scope.databases.has(database.toLowerCase()) || aliases.has(database))) return
  throw new AnalystSqlRefused('SQL_OUTSIDE_HISTORY', `${name} is outside the history database ${scope.database}`)
}
