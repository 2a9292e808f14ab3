// The run as a timeline: each kernel a bar at its GPU start time where timestamps exist, else
// one after another in launch order (widths are then the kernels' CPU times).
import type { ProfileRow } from '../../../workers/protocol';
import { fusedHue } from '../graph/graph-layout';
import { timelineSpans } from './kernel-summary';

const WIDTH = 640;
const ROW_H = 18;

export function KernelTimeline({ kernels }: { kernels: ProfileRow[] }) {
  const spans = timelineSpans(kernels);
  const stamped = kernels.length > 0 && kernels.every((k) => typeof k.startMs === 'number');
  const end = Math.max(1e-6, ...spans.map((s) => s.start + s.ms));
  const scale = WIDTH / end;
  return (
    <figure className="kernel-timeline">
      <svg
        width={WIDTH}
        height={ROW_H + 16}
        viewBox={`0 0 ${WIDTH} ${ROW_H + 16}`}
        role="img"
        aria-label={`Timeline: ${kernels.length === 1 ? '1 kernel' : `${kernels.length} kernels`} over ${end.toFixed(3)} ms`}
      >
        {spans.map(({ start, ms, row }, i) => (
          <rect key={i} x={start * scale} y={2} width={Math.max(1, ms * scale)} height={ROW_H} style={{ fill: `hsl(${fusedHue(row.name)} 65% 55%)` }}>
            <title>{`${row.name}: ${ms.toFixed(3)} ms at ${start.toFixed(3)} ms`}</title>
          </rect>
        ))}
        <text x={0} y={ROW_H + 14} className="timeline-axis">
          0
        </text>
        <text x={WIDTH} y={ROW_H + 14} textAnchor="end" className="timeline-axis">
          {end.toFixed(3)} ms
        </text>
      </svg>
      <figcaption className="muted">
        {stamped ? 'GPU timeline (timestamp queries)' : 'Kernels in launch order (no GPU timestamps: widths are CPU times)'}
      </figcaption>
    </figure>
  );
}
