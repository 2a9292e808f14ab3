/** GPU faults become errors that name what went wrong, and the engine keeps working after them. */
import type { Dispatcher } from './dispatcher';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../core/runtime';
import { torch } from '../../index';
import { hasWebgpu } from '../../testing/gpu-requirements';
import { GpuFaults } from './faults';

const noWebgpu = !(await hasWebgpu());

/** A device stand-in whose error scopes report `error` (null: none). */
function fakeDevice(error: { message: string } | null): GPUDevice {
  return { pushErrorScope: () => undefined, popErrorScope: async () => error, addEventListener: () => undefined } as unknown as GPUDevice;
}

describe('GPU faults', () => {
  it('an error reported in a scope is raised at the next wait, once, with what the engine was doing', async () => {
    const faults = new GpuFaults(fakeDevice({ message: 'Not enough memory left' }), 1 << 30);
    const made = faults.watch(
      'out-of-memory',
      () => 'buffer',
      (m) => `out of memory: the GPU could not allocate 2.0 GiB for a tensor (${m})`,
    );
    expect(made).toBe('buffer');
    await expect(faults.raise()).rejects.toThrow(/out of memory: the GPU could not allocate 2\.0 GiB for a tensor \(Not enough memory left\)/);
    await expect(faults.raise()).resolves.toBeUndefined();
  });

  it.skipIf(noWebgpu)('a tensor larger than one GPU buffer is refused where it is made, and the engine goes on', async () => {
    expect(() => torch.zeros([1_000_000, 1_000_000], { device: 'webgpu' })).toThrow(
      /allocate: a tensor of 1,000,000,000,000 elements needs .* GiB, more than this GPU allows in one buffer/,
    );
    expect(await torch.ones([3], { device: 'webgpu' }).add(1).tolist()).toEqual([2, 2, 2]);
  });

  it.skipIf(noWebgpu)('a kernel whose WGSL does not compile is reported with its name, and the engine goes on', async () => {
    const dispatcher = (getBackend('webgpu') as unknown as { dispatcher: Dispatcher }).dispatcher;
    const kernel = dispatcher.pipeline('fused_broken|test', () => '@compute @workgroup_size(1) fn main( { let x = ; }');
    dispatcher.dispatch(kernel, [], [], [1, 1, 1]);
    await expect(torch.synchronize()).rejects.toThrow(/the WGSL of kernel 'fused_broken' \(fused_broken\|test\) did not compile/);
    expect(await torch.ones([2], { device: 'webgpu' }).mul(3).tolist()).toEqual([3, 3]);
  });
});
