import type { CellStats as Stats } from '../../workers/protocol';
import { formatBytes } from '../outputs/MemoryOutput';

function milliseconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "N kernels dispatched · GPU x · M shaders compiled in y · wall z · live w": GPU time and compile time apart. */
export function CellStats({ stats }: { stats: Stats }) {
  const compiled = stats.shadersCompiled ?? 0;
  return (
    <div className="cell-stats" data-testid="cell-stats">
      <span>{count(stats.kernels, 'kernel', 'kernels')} dispatched</span>
      <span title="The time the GPU ran this cell's work, from timestamps at the start and end of each submitted batch: shader compilation and other waits between batches are not counted">
        GPU {stats.gpuMs === null ? '—' : milliseconds(stats.gpuMs)}
      </span>
      {compiled > 0 && (
        <span title="Shaders compiled for kernels run for the first time, and the time spent compiling them (not GPU time); later runs reuse them">
          {count(compiled, 'shader', 'shaders')} compiled{stats.compileMs === undefined ? '' : ` in ${milliseconds(stats.compileMs)}`}
        </span>
      )}
      <span>wall {milliseconds(stats.wallMs)}</span>
      {stats.liveBytes !== undefined && <span title="Bytes held by live tensors after the cell">live {formatBytes(stats.liveBytes)}</span>}
    </div>
  );
}
