/**
 * A text with ranges marked. The ranges are [start, end) in UTF-16 code units, as the search endpoint
 * gives them (docs/history.md) and as JavaScript strings index, so slicing needs no conversion.
 */
export function Highlighted({ text, ranges }: { text: string; ranges: ReadonlyArray<readonly [number, number]> }) {
  const pieces = []
  let at = 0
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at || end <= start) continue
    if (start > at) pieces.push(text.slice(at, start))
    pieces.push(<mark key={start}>{text.slice(start, end)}</mark>)
    at = end
  }
  if (at < text.length) pieces.push(text.slice(at))
  return <span class="snippet">{pieces}</span>
}
