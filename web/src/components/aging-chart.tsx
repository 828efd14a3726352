import { amountToNumber, bucketLabel, compactAmount, formatShare } from '../format.ts';
import { Amount } from './ui.tsx';

// Aging visuals drawn as inline SVG/HTML: a stacked strip (the mix) and a column chart (bucket
// totals). Heights use numbers, which is fine for drawing; every printed amount is the exact
// decimal string from the server.

const PALETTE = ['#3d8b5a', '#8bb04a', '#d9b23a', '#e39136', '#d8672d', '#bf3b2c', '#8a1c1c'];
const UNAPPLIED_COLOR = '#7b8794';

/** Green for current through dark red for the oldest bucket, for any number of buckets. */
export function bucketColor(index: number, count: number): string {
  if (count <= 1) return PALETTE[0] ?? '#3d8b5a';
  const pos = Math.round((index * (PALETTE.length - 1)) / (count - 1));
  return PALETTE[Math.min(PALETTE.length - 1, Math.max(0, pos))] ?? '#8a1c1c';
}

export interface AgingFigures {
  buckets: string[];
  amounts: string[];
  unapplied: string;
  total: string;
}

/** The aging mix: one stacked bar of the buckets, with a legend of amounts and shares. */
export function AgingStripView({ aging }: { aging: AgingFigures }) {
  const values = aging.amounts.map((a) => Math.max(0, amountToNumber(a)));
  const gross = values.reduce((s, v) => s + v, 0);
  return (
    <div className="aging-strip">
      <div className="strip-bar" role="img" aria-label="Aging mix">
        {gross === 0 ? <div className="strip-empty">Nothing open</div> : null}
        {values.map((v, i) =>
          v > 0 ? (
            <div
              key={aging.buckets[i]}
              className="strip-seg"
              style={{ flexGrow: v, background: bucketColor(i, values.length) }}
              title={`${bucketLabel(aging.buckets[i] ?? '')}: ${formatShare(v, gross)}`}
            />
          ) : null,
        )}
      </div>
      <table className="strip-legend">
        <thead>
          <tr>
            {aging.buckets.map((b, i) => (
              <th key={b} className="num">
                <span className="swatch" style={{ background: bucketColor(i, values.length) }} />
                {bucketLabel(b)}
              </th>
            ))}
            <th className="num">
              <span className="swatch" style={{ background: UNAPPLIED_COLOR }} />
              Unapplied
            </th>
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            {aging.amounts.map((a, i) => (
              <td key={aging.buckets[i]} className="num">
                <Amount value={a} />
              </td>
            ))}
            <td className="num">
              <Amount value={aging.unapplied} />
            </td>
            <td className="num">
              <Amount value={aging.total} strong />
            </td>
          </tr>
          <tr className="share-row">
            {values.map((v, i) => (
              <td key={aging.buckets[i]} className="num">
                {formatShare(v, gross)}
              </td>
            ))}
            <td />
            <td />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

interface Column {
  label: string;
  value: number;
  color: string;
}

/** Column chart of bucket totals, with unapplied credit drawn below the axis. */
export function AgingChart({ aging, height = 200 }: { aging: AgingFigures; height?: number }) {
  const cols: Column[] = aging.amounts.map((a, i) => ({
    label: bucketLabel(aging.buckets[i] ?? ''),
    value: amountToNumber(a),
    color: bucketColor(i, aging.amounts.length),
  }));
  cols.push({ label: 'Unapplied', value: amountToNumber(aging.unapplied), color: UNAPPLIED_COLOR });
  const max = Math.max(0, ...cols.map((c) => c.value));
  const min = Math.min(0, ...cols.map((c) => c.value));
  const span = max - min || 1;
  const slot = 84;
  const width = cols.length * slot + 16;
  const top = 22;
  const bottom = min < 0 ? 42 : 26; // room for the label under a negative bar
  const plot = height - top - bottom;
  const zeroY = top + (max / span) * plot;
  return (
    <svg
      className="aging-chart"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      height={height}
      role="img"
      aria-label="Aging by bucket"
      preserveAspectRatio="xMidYMid meet"
    >
      <line x1={4} x2={width - 4} y1={zeroY} y2={zeroY} className="axis" />
      {cols.map((c, i) => {
        const x = 8 + i * slot + 14;
        const w = slot - 28;
        const h = (Math.abs(c.value) / span) * plot;
        const y = c.value >= 0 ? zeroY - h : zeroY;
        const labelY = c.value >= 0 ? y - 5 : y + h + 12;
        return (
          <g key={c.label}>
            <rect x={x} y={y} width={w} height={Math.max(h, c.value === 0 ? 0 : 1)} fill={c.color}>
              <title>{`${c.label}: ${compactAmount(c.value)}`}</title>
            </rect>
            <text x={x + w / 2} y={labelY} className="bar-value" textAnchor="middle">
              {c.value === 0 ? '0' : compactAmount(c.value)}
            </text>
            <text x={x + w / 2} y={height - 8} className="bar-label" textAnchor="middle">
              {c.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
