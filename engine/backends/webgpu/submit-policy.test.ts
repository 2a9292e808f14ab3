/**
 * When recorded work goes to the GPU: small ops are batched into one submit, while the first op
 * after a wait is submitted at once, and a batch is submitted once its work reaches an amount
 * that starts at `firstSubmitBytes` after a wait and doubles with each submit, so the GPU starts
 * on big work while the next ops are recorded and a long loop of big ops pays for few submits.
 */
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../core/runtime';
import { torch } from '../../index';
import { hasTimestamps, hasWebgpu } from '../../testing/gpu-requirements';
import type { Dispatcher } from './dispatcher';

const noWebgpu = !(await hasWebgpu());
const noTimestamps = !(await hasTimestamps());
const webgpuDispatcher = () => (getBackend('webgpu') as unknown as { dispatcher: Dispatcher }).dispatcher;

describe('submit policy', () => {
  it.skipIf(noWebgpu)('submits the first op after a wait at once, batches the small ops after it, and submits big work at once', async () => {
    const dispatcher = webgpuDispatcher();
    const small = torch.ones([4], { device: 'webgpu' });
    const n = dispatcher.policy.firstSubmitBytes / 8; // in and out bind the first threshold
    const big = torch.ones([n], { device: 'webgpu' });
    await torch.synchronize();
    const before = dispatcher.submits;
    let y = small.add(1);
    expect(dispatcher.submits - before, 'first op after a wait').toBe(1);
    for (let i = 0; i < 5; i++) y = y.add(1);
    expect(dispatcher.submits - before, 'small ops batched').toBe(1);
    const z = big.mul(3);
    expect(dispatcher.submits - before, 'a batch binding the threshold').toBe(2);
    const w = y.mul(2);
    expect(dispatcher.submits - before, 'small op after it').toBe(2);
    expect(Array.from(await w.data())).toEqual([14, 14, 14, 14]);
    const head = await z.narrow(0, n - 3, 3).data();
    expect(Array.from(head)).toEqual([3, 3, 3]);
  });

  it.skipIf(noWebgpu)('a profile of ops submitted one by one still times every kernel, in order', async () => {
    const dispatcher = webgpuDispatcher();
    const big = torch.ones([dispatcher.policy.firstSubmitBytes / 8], { device: 'webgpu' });
    await torch.synchronize();
    const before = dispatcher.submits;
    const profile = await torch.profile(async () => {
      const y = big.mul(2).add(1).neg();
      await torch.synchronize();
      return y;
    });
    expect(dispatcher.submits - before, 'the first op, the next (binding the first threshold), the last at the wait').toBeGreaterThanOrEqual(3);
    expect(profile.kernels.map((k) => k.name)).toEqual(['mul', 'add', 'neg']);
    if (!noTimestamps) for (const k of profile.kernels) expect(k.gpuMs, k.name).toBeGreaterThan(0);
  });

  it.skipIf(noWebgpu)('after a wait, ops binding the first threshold each are submitted after the 1st, 2nd, 4th, 8th and 16th', async () => {
    const dispatcher = webgpuDispatcher();
    const x = torch.ones([dispatcher.policy.firstSubmitBytes / 8], { device: 'webgpu' });
    await torch.synchronize();
    const before = dispatcher.submits;
    const after: number[] = [];
    let y = x;
    for (let i = 1; i <= 16; i++) {
      y = y.add(1);
      if (dispatcher.submits > before + after.length) after.push(i);
    }
    expect(after).toEqual([1, 2, 4, 8, 16]);
    const tail = await y.narrow(0, 0, 2).data();
    expect(Array.from(tail)).toEqual([17, 17]);
  });

  it.skipIf(noTimestamps)('a long profile is submitted in parts while recorded, and its timestamps read back once, at the end', async () => {
    const dispatcher = webgpuDispatcher();
    const x = torch.ones([8], { device: 'webgpu' });
    await torch.synchronize();
    const submits = dispatcher.submits;
    const readbacks = dispatcher.timestampReadbacks;
    const profile = await torch.profile(async () => {
      let y = x;
      for (let i = 0; i < 100; i++) y = y.add(1);
      await torch.synchronize();
      return y;
    });
    expect(profile.kernels).toHaveLength(100);
    expect(dispatcher.submits - submits, 'a submit per profiledBatchLimit kernels').toBeGreaterThanOrEqual(
      Math.floor(100 / dispatcher.policy.profiledBatchLimit),
    );
    expect(dispatcher.timestampReadbacks - readbacks).toBe(1);
    for (const k of profile.kernels) expect(k.gpuMs).not.toBeNull();
    const starts = profile.kernels.map((k) => k.startMs!);
    for (let i = 1; i < starts.length; i++) expect(starts[i], `kernel ${i} starts after kernel ${i - 1}`).toBeGreaterThanOrEqual(starts[i - 1]);
  });
});
