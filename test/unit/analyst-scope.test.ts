import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AnalystSqlRefused, checkScope } from '../../projections/history/index.js'

// chDB's own parses (`EXPLAIN AST …`, chDB 3.4.0), as checkScope reads them.
const scope = { database: 'seqline', databases: new Set(['seqline', 'system', 'information_schema', 'default']), deniedFunctions: new Set<string>() }

const ALIASED = `SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 3)
   ExpressionList (children 1)
    Identifier system.seq
   TablesInSelectQuery (children 1)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier messages (alias system)
   Function equals (children 1)
    ExpressionList (children 2)
     Identifier system.conv
     Literal 'x'`

/** SELECT x FROM messages AS m JOIN system.tables AS system ON 1 */
const JOINED_SYSTEM = `SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 2)
   ExpressionList (children 1)
    Identifier x
   TablesInSelectQuery (children 2)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier messages (alias m)
    TablesInSelectQueryElement (children 2)
     TableExpression (children 1)
      TableIdentifier system.tables (alias system)
     TableJoin (children 1)
      Literal UInt64_1`

/** SELECT count() AS system FROM messages WHERE conv IN system.tables */
const COLUMN_ALIAS = `SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 3)
   ExpressionList (children 1)
    Function count (alias system) (children 1)
     ExpressionList
   TablesInSelectQuery (children 1)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier messages
   Function in (children 1)
    ExpressionList (children 2)
     Identifier conv
     Identifier system.tables`

/** SELECT (SELECT 1) AS system, count() FROM messages WHERE conv IN system.tables */
const SCALAR_ALIAS = `SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 3)
   ExpressionList (children 2)
    Subquery (alias system) (children 1)
     SelectWithUnionQuery (children 1)
      ExpressionList (children 1)
       SelectQuery (children 1)
        ExpressionList (children 1)
         Literal UInt64_1
    Function count (children 1)
     ExpressionList
   TablesInSelectQuery (children 1)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier messages
   Function in (children 1)
    ExpressionList (children 2)
     Identifier conv
     Identifier system.tables`

const refusal = (ast: string) => {
  try {
    checkScope(ast, scope)
    return null
  } catch (err) {
    assert.ok(err instanceof AnalystSqlRefused)
    return err.code
  }
}

test('a table alias named like a database qualifies that table’s columns: FROM messages AS system … system.seq runs', () => {
  assert.equal(refusal(ALIASED), null)
})

test('the system database stays out of reach beside such an alias, and a column or scalar alias shadows nothing', () => {
  assert.equal(refusal(JOINED_SYSTEM), 'SQL_OUTSIDE_HISTORY')
  assert.equal(refusal(COLUMN_ALIAS), 'SQL_OUTSIDE_HISTORY')
  assert.equal(refusal(SCALAR_ALIAS), 'SQL_OUTSIDE_HISTORY')
})
