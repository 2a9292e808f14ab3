import { useWick } from '../store';

const DRAINING_TITLE = 'No cell runs, but the GPU is still finishing work a cell gave it (an interrupted loop’s steps). A cell you run now starts after it.';

export function KernelStatus() {
  const { status, device, failure } = useWick((s) => s.kernel);
  const text =
    status === 'starting'
      ? 'starting…'
      : status === 'failed'
        ? `failed: ${failure}`
        : status === 'draining'
          ? `${device} · busy · GPU draining`
          : `${device} · ${status}`;
  const title = status === 'draining' ? DRAINING_TITLE : device === 'cpu' ? 'No WebGPU adapter was found: tensors live on the CPU.' : undefined;
  return (
    <div className={`kernel-status ${status}`} data-testid="kernel-status" role="status" title={title}>
      <span className="kernel-dot" aria-hidden="true" />
      Kernel {text}
    </div>
  );
}
