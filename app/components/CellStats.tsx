import type { CellStats as Stats } from '../../workers/protocol';
import { formatBytes } from '../outputs/MemoryOutput';

function milliseconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "N kernels dispatched · M shaders compiled · GPU x (incl. compiling) · wall y · live z". */
export function CellStats({ stats }: { stats: Stats }) {
  const compiled = stats.shadersCompiled ?? 0;
  const gpuTitle =
    compiled > 0
      ? `GPU time from the cell's start to its end, with the GPU's wait for ${count(compiled, 'shader', 'shaders')} compiled this run; run it again for GPU time without compiling`
      : "GPU time from the cell's start to its end";
  return (
    <div className="cell-stats" data-testid="cell-stats">
      <span>{count(stats.kernels, 'kernel', 'kernels')} dispatched</span>
      {compiled > 0 && (
        <span title="Shaders compiled for kernels run for the first time; later runs reuse them">{count(compiled, 'shader', 'shaders')} compiled</span>
      )}
      <span title={gpuTitle}>
        GPU {stats.gpuMs === null ? '—' : milliseconds(stats.gpuMs)}
        {compiled > 0 && stats.gpuMs !== null ? ' incl. compiling' : ''}
      </span>
      <span>wall {milliseconds(stats.wallMs)}</span>
      {stats.liveBytes !== undefined && <span title="Bytes held by live tensors after the cell">live {formatBytes(stats.liveBytes)}</span>}
    </div>
  );
}
