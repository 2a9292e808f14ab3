// torch.memory(): bytes held by live tensors beside bytes the allocator keeps pooled for reuse.
import type { OutputBundle } from '../../workers/protocol';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export function MemoryOutput({ output }: { output: Extract<OutputBundle, { type: 'memory' }> }) {
  const total = output.liveBytes + output.pooledBytes || 1;
  const livePct = (100 * output.liveBytes) / total;
  return (
    <div className="output memory-output" data-testid="memory-output">
      <div className="memory-bar" role="img" aria-label={`Live ${formatBytes(output.liveBytes)}, pooled ${formatBytes(output.pooledBytes)}`}>
        <span className="memory-live" style={{ width: `${livePct}%` }} />
        <span className="memory-pooled" style={{ width: `${100 - livePct}%` }} />
      </div>
      <dl className="memory-numbers">
        <dt>Live tensors</dt>
        <dd>{output.liveTensors}</dd>
        <dt>
          <span className="memory-swatch memory-live" /> Live
        </dt>
        <dd>{formatBytes(output.liveBytes)}</dd>
        <dt>
          <span className="memory-swatch memory-pooled" /> Pooled
        </dt>
        <dd>{formatBytes(output.pooledBytes)}</dd>
      </dl>
    </div>
  );
}
