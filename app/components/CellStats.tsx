import type { CellStats as Stats } from '../../workers/protocol';
import { formatBytes } from '../outputs/MemoryOutput';

function milliseconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function CellStats({ stats }: { stats: Stats }) {
  return (
    <div className="cell-stats" data-testid="cell-stats">
      <span>{stats.kernels === 1 ? '1 kernel' : `${stats.kernels} kernels`} dispatched</span>
      <span>GPU {stats.gpuMs === null ? '—' : milliseconds(stats.gpuMs)}</span>
      <span>wall {milliseconds(stats.wallMs)}</span>
      {stats.liveBytes !== undefined && <span title="Bytes held by live tensors after the cell">live {formatBytes(stats.liveBytes)}</span>}
    </div>
  );
}
