// The few SVG pieces the benchmark charts are drawn with: a fixed-size plot
// area, grid lines with labels, polylines and a legend. Plain text, so the
// charts need no plotting library and diff as text in the repository.
export const W = 760
export const H = 420
export const M = { left: 70, right: 190, top: 40, bottom: 50 }
export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b']

export function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p
  return 10 * p
}

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
export const f = (v: number) => v.toFixed(1)

export function gridX(px: number, label: string): string {
  return `<line x1="${f(px)}" y1="${M.top}" x2="${f(px)}" y2="${H - M.bottom}" stroke="#ddd"/><text x="${f(px)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(label)}</text>`
}

export function gridY(py: number, label: string): string {
  return `<line x1="${M.left}" y1="${f(py)}" x2="${W - M.right}" y2="${f(py)}" stroke="#ddd"/><text x="${M.left - 6}" y="${f(py + 4)}" text-anchor="end">${esc(label)}</text>`
}

export function polyline(points: [number, number][], color: string, dashed: boolean): string {
  const pts = points
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
    .map(([a, b]) => `${f(a)},${f(b)}`)
    .join(' ')
  return `<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="1.6"${dashed ? ' stroke-dasharray="5,3"' : ''}/>`
}

export function svg(title: string, xLabel: string, yLabel: string, parts: string[], legend: [string, string, boolean][]): string {
  const items = legend
    .map(([label, color, dashed], i) => {
      const ly = M.top + 10 + i * 18
      const lx = W - M.right + 12
      return `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5,3"' : ''}/><text x="${lx + 30}" y="${ly + 4}">${esc(label)}</text>`
    })
    .join('\n')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="13">${esc(title)}</text>
${parts.join('\n')}
<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#444"/>
<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>
<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>
${items}
</svg>
`
}
