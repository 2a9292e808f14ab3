import { useWick } from '../store';

export function KernelStatus() {
  const { status, device, failure } = useWick((s) => s.kernel);
  const text = status === 'starting' ? 'starting…' : status === 'failed' ? `failed: ${failure}` : `${device} · ${status}`;
  const title = device === 'cpu' ? 'No WebGPU adapter was found: tensors live on the CPU.' : undefined;
  return (
    <div className={`kernel-status ${status}`} data-testid="kernel-status" role="status" title={title}>
      <span className="kernel-dot" aria-hidden="true" />
      Kernel {text}
    </div>
  );
}
