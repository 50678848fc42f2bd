import type { TrendPoint } from '../api/types.ts';
import { formatBeijing } from '@onemap/graph-schema';

export interface TrendChartProps {
  points: TrendPoint[];
  /** The current time window, highlighted. */
  window?: { from: string; to: string };
  width?: number;
  height?: number;
}

/** A small SVG line chart of counts over time (走势图), one line per series. */
export function TrendChart({ points, window, width = 300, height = 140 }: TrendChartProps) {
  if (!points.length) return null;
  const pad = { l: 34, r: 8, t: 8, b: 20 };
  const ts = points.map((p) => Date.parse(p.t));
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts, t0 + 1);
  const max = Math.max(1, ...points.map((p) => p.count));
  const x = (t: number) => pad.l + ((t - t0) / (t1 - t0)) * (width - pad.l - pad.r);
  const y = (v: number) => height - pad.b - (v / max) * (height - pad.t - pad.b);
  const series = new Map<string, TrendPoint[]>();
  for (const p of points) {
    const k = p.series ?? 'all';
    series.set(k, [...(series.get(k) ?? []), p]);
  }
  const colors = ['#d7301f', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e'];
  return (
    <svg width={width} height={height} className="trend" data-testid="trend-chart" role="img">
      {window && (
        <rect
          x={x(Math.max(t0, Date.parse(window.from)))}
          y={pad.t}
          width={Math.max(2, x(Math.min(t1, Date.parse(window.to))) - x(Math.max(t0, Date.parse(window.from))))}
          height={height - pad.t - pad.b}
          fill="#fdd49e"
          opacity={0.5}
        />
      )}
      <line x1={pad.l} x2={width - pad.r} y1={height - pad.b} y2={height - pad.b} stroke="#999" />
      <text x={pad.l - 4} y={pad.t + 8} textAnchor="end" fontSize={10}>
        {max}
      </text>
      <text x={pad.l - 4} y={height - pad.b} textAnchor="end" fontSize={10}>
        0
      </text>
      <text x={pad.l} y={height - 4} fontSize={10}>
        {formatBeijing(t0, 'day')}
      </text>
      <text x={width - pad.r} y={height - 4} fontSize={10} textAnchor="end">
        {formatBeijing(t1, 'day')}
      </text>
      {[...series.entries()].map(([k, ps], i) => (
        <g key={k}>
          <polyline
            fill="none"
            stroke={colors[i % colors.length]}
            strokeWidth={1.8}
            points={ps
              .slice()
              .sort((a, b) => Date.parse(a.t) - Date.parse(b.t))
              .map((p) => `${x(Date.parse(p.t))},${y(p.count)}`)
              .join(' ')}
          />
          {series.size > 1 && (
            <text x={width - pad.r} y={pad.t + 10 + i * 11} fontSize={10} textAnchor="end" fill={colors[i % colors.length]}>
              {k}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
