import { BarController, BarElement, CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js'
import { useEffect, useRef, useState } from 'preact/hooks'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip)

interface Props {
  title: string
  type: 'bar' | 'line'
  /** What the values count, for the axis and the table. */
  label: string
  labels: string[]
  values: number[]
  horizontal?: boolean
}

interface Drawn {
  labels: string[]
  values: number[]
}

/**
 * A chart (chart.js) with its numbers as a table beside it: the text alternative for screen readers,
 * read back from the drawn chart's own data so that it shows what the chart shows.
 */
export function ChartFigure({ title, type, label, labels, values, horizontal }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const [drawn, setDrawn] = useState<Drawn | null>(null)
  useEffect(() => {
    if (!canvas.current) return
    const chart = new Chart(canvas.current, {
      type,
      data: { labels, datasets: [{ label, data: values, backgroundColor: '#3b6ea5', borderColor: '#3b6ea5' }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? 'y' : 'x',
        scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    })
    setDrawn({ labels: (chart.data.labels ?? []).map(String), values: (chart.data.datasets[0]?.data ?? []).map(Number) })
    return () => chart.destroy()
  }, [type, label, labels.join('\n'), values.join(','), horizontal])

  return (
    <figure class="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div class="canvas-box">
        <canvas ref={canvas} role="img" aria-label={`${title}: chart`} />
      </div>
      {drawn && (
        <details>
          <summary>Data</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">{horizontal ? 'conversation' : 'when'}</th>
                <th scope="col">{label}</th>
              </tr>
            </thead>
            <tbody>
              {drawn.labels.map((l, i) => (
                <tr key={l}>
                  <td>{l}</td>
                  <td>{drawn.values[i]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  )
}
