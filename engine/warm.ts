/**
 * Eager kernels compile their shaders at their first dispatch, and a notebook's first cells are
 * mostly that wait (seconds each on a software GPU). When the kernel starts, the pipelines of the
 * eager kernels most cells begin with (elementwise, matmul, reductions, softmax, on float32) are
 * created ahead, asynchronously, one at a time while no cell dispatches work, so they are ready by
 * the time a cell needs them and a running cell finds at most one compile beside it.
 */
import { availableDevices, getBackend } from './core/runtime';
import { torch } from './torch';

/** The ops recorded (never dispatched) to learn which pipelines to create. */
function commonOps(): void {
  const device = 'webgpu' as const;
  for (const shape of [[64, 64], [1000]]) {
    const a = torch.randn(shape, { device });
    const b = torch.randn(shape, { device });
    for (const r of [a.add(b), a.sub(b), a.mul(b), a.div(b), a.add(1), a.mul(0.5), a.sub(1)]) r.sum();
    for (const r of [a.relu(), a.exp(), a.log(), a.tanh(), a.sigmoid(), a.neg(), a.abs(), a.sqrt(), a.pow(2)]) r.mean();
    a.sub(b).abs().max();
  }
  const m = torch.randn([64, 64], { device });
  const w = torch.randn([64, 64], { device });
  const row = torch.randn([64], { device });
  m.matmul(w).add(row).relu();
  m.sum(-1);
  m.mean(-1);
  m.max(-1);
  m.softmax(-1);
}

/** Starts creating the common eager pipelines in the background; resolves to how many were created (0 without WebGPU). */
export function warmEagerPipelines(): Promise<number> {
  if (!availableDevices().includes('webgpu')) return Promise.resolve(0);
  const backend = getBackend('webgpu');
  if (!backend.warmPipelines) return Promise.resolve(0);
  return backend.warmPipelines(() => torch.noGrad(commonOps)).catch(() => 0);
}
