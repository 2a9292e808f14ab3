// The distribution of a tensor's values, as bars in an SVG, with its statistics beside it.
import type { Histogram as HistogramData, TensorStats } from '../../../workers/tensor-summary';
import { shortNumber } from './format-number';

const WIDTH = 220;
const HEIGHT = 64;

export function Histogram({ histogram }: { histogram: HistogramData }) {
  const { counts, lo, hi } = histogram;
  const top = Math.max(1, ...counts);
  const bar = WIDTH / counts.length;
  return (
    <figure className="histogram">
      <svg
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Histogram of ${counts.length} bins from ${shortNumber(lo)} to ${shortNumber(hi)}`}
      >
        {counts.map((count, i) => {
          const h = (count / top) * (HEIGHT - 2);
          return (
            <rect key={i} x={i * bar + 0.5} y={HEIGHT - h} width={Math.max(1, bar - 1)} height={h}>
              <title>{`${shortNumber(lo + ((hi - lo) * i) / counts.length)} – ${shortNumber(lo + ((hi - lo) * (i + 1)) / counts.length)}: ${count}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="legend-ends">
        <span>{shortNumber(lo)}</span>
        <span>{shortNumber(hi)}</span>
      </figcaption>
    </figure>
  );
}

export function StatsTable({ stats }: { stats: TensorStats }) {
  const rows: [string, string][] = [
    ['min', shortNumber(stats.min)],
    ['max', shortNumber(stats.max)],
    ['mean', shortNumber(stats.mean)],
    ['std', shortNumber(stats.std)],
  ];
  if (stats.nonFinite > 0) rows.push(['nan/inf', String(stats.nonFinite)]);
  return (
    <dl className="tensor-stats" aria-label="Statistics">
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
