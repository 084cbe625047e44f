/** Rows of any shape as a table, columns in the order of the first row's keys. */
export function RowsTable({ rows, caption }: { rows: Array<Record<string, unknown>>; caption: string }) {
  const columns = Object.keys(rows[0] ?? {})
  return (
    <table class="rows">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            {columns.map((c) => (
              <td key={c}>{typeof row[c] === 'object' ? JSON.stringify(row[c]) : String(row[c])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
