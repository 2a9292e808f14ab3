/** A compiled function's pipelines are all requested at once, asynchronously, when it is traced: its first compiled launch creates none. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { F, torch, type Tensor } from '../index';
import { getBackend } from '../core/runtime';
import { testDevices } from '../testing/devices';
import type { WebGpuBackend } from '../backends/webgpu/webgpu-backend';

const noWebgpu = !(await testDevices()).includes('webgpu');

afterEach(() => {
  vi.restoreAllMocks();
});

describe.skipIf(noWebgpu)('compiled pipelines, ahead of the first launch', () => {
  it('requests every fused kernel pipeline in parallel at trace time, and the first compiled launch compiles nothing', async () => {
    const backend = getBackend('webgpu') as WebGpuBackend;
    const asyncCreations = vi.spyOn(backend.gpu, 'createComputePipelineAsync');
    const syncCreations = vi.spyOn(backend.gpu, 'createComputePipeline');
    // Constants no other test uses, so every fused kernel is new.
    const f = torch.compile((a: Tensor, w: Tensor) => F.gelu(a.matmul(w).mul(0.731)).softmax(-1).add(0.113).sum(-1));
    const a = torch.randn([6, 20], { device: 'webgpu' });
    const w = torch.randn([20, 7], { device: 'webgpu' });
    const first = f(a, w); // traced; runs eagerly while the fused kernels compile
    const requested = asyncCreations.mock.calls.length;
    expect(requested).toBeGreaterThanOrEqual(2); // all requested before the call returned: none waits for another
    await torch.synchronize(); // waits for them
    await backend.timestampCostMs(); // the profiler's own calibration kernel, measured once, made here
    const before = { stats: torch.stats(), sync: syncCreations.mock.calls.length };
    const prof = await torch.profile(() => f(a, w)); // the first launch of the fused kernels
    expect(prof.kernels.length).toBeLessThanOrEqual(requested);
    expect(prof.kernels.length).toBeLessThan(6); // fused: fewer kernels than ops
    expect(torch.stats().shadersCompiled).toBe(before.stats.shadersCompiled);
    expect(syncCreations.mock.calls.length).toBe(before.sync);
    expect(prof.shadersCompiled).toBe(0);
    const second = f(a, w);
    const diff = await first.sub(second).abs().max().item();
    expect(diff).toBeLessThanOrEqual(1e-5);
  });
});
