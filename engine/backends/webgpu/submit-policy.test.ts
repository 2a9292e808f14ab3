/**
 * When recorded work goes to the GPU: small ops are batched into one submit, while the first op
 * after a wait and any batch binding 32 MiB or more are submitted at once, so the GPU starts on
 * them while the next ops are recorded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getBackend } from '../../core/runtime';
import { torch } from '../../index';
import { testDevices } from '../../testing/devices';
import type { Dispatcher } from './dispatcher';

let dispatcher: Dispatcher | null = null;
beforeAll(async () => {
  if ((await testDevices()).includes('webgpu')) dispatcher = (getBackend('webgpu') as unknown as { dispatcher: Dispatcher }).dispatcher;
}, 60_000);

describe('submit policy', () => {
  it('submits the first op after a wait at once, batches the small ops after it, and submits big work at once', async () => {
    if (!dispatcher) return;
    const small = torch.ones([4], { device: 'webgpu' });
    const big = torch.ones([4 << 20], { device: 'webgpu' }); // 16 MiB: in and out bind 32 MiB
    await torch.synchronize();
    const before = dispatcher.submits;
    let y = small.add(1);
    expect(dispatcher.submits - before, 'first op after a wait').toBe(1);
    for (let i = 0; i < 5; i++) y = y.add(1);
    expect(dispatcher.submits - before, 'small ops batched').toBe(1);
    const z = big.mul(3);
    expect(dispatcher.submits - before, 'a batch binding 32 MiB').toBe(2);
    const w = y.mul(2);
    expect(dispatcher.submits - before, 'small op after it').toBe(2);
    expect(Array.from(await w.data())).toEqual([14, 14, 14, 14]);
    const head = await z.narrow(0, (4 << 20) - 3, 3).data();
    expect(Array.from(head)).toEqual([3, 3, 3]);
  });
});
