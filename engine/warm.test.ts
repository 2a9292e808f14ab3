/** The common eager pipelines are created ahead, in the background: a first cell of common ops then compiles nothing. */
import { describe, expect, it, vi } from 'vitest';
import { torch } from './index';
import { getBackend } from './core/runtime';
import { testDevices } from './testing/devices';
import { warmEagerPipelines } from './warm';

const noWebgpu = !(await testDevices()).includes('webgpu');

describe.skipIf(noWebgpu)('warmEagerPipelines', () => {
  it('creates the common eager pipelines without dispatching, counted apart from cells; a first cell of common ops then compiles none', async () => {
    const dispatcher = (getBackend('webgpu') as unknown as { dispatcher: { dispatches: number; pipelinesWarmed: number } }).dispatcher;
    const before = { stats: torch.stats(), dispatches: dispatcher.dispatches };
    const warming = warmEagerPipelines();
    expect(dispatcher.dispatches).toBe(before.dispatches); // recorded, not run
    const created = await warming;
    expect(created).toBeGreaterThanOrEqual(10);
    expect(dispatcher.pipelinesWarmed).toBe(created);
    expect(torch.stats().shadersCompiled).toBe(before.stats.shadersCompiled); // no cell waited for them
    expect(torch.stats().compileMs).toBe(before.stats.compileMs);

    // A first cell as the tour's: every pipeline it needs is ready.
    const gpu = (getBackend('webgpu') as unknown as { gpu: GPUDevice }).gpu;
    const spy = vi.spyOn(gpu, 'createComputePipeline');
    const x = torch.randn([64, 64]);
    const w = torch.randn([64, 64]);
    const h = x
      .matmul(w)
      .add(torch.randn([64]))
      .relu();
    const diff = await h.mul(0.5).sub(x.sigmoid()).abs().max().item();
    const sums = await h.softmax(-1).sum(-1).data();
    expect(Number.isFinite(diff)).toBe(true);
    expect(Array.from(sums).every((s) => Math.abs(s - 1) < 1e-4)).toBe(true);
    expect(spy.mock.calls.map((c) => c[0].label)).toEqual([]);
    expect(torch.stats().shadersCompiled).toBe(before.stats.shadersCompiled);
    expect(await warmEagerPipelines()).toBe(0); // all there already
  });

  it('waits while work is being dispatched: a warm-up starts only once the device is idle', async () => {
    const dispatcher = (getBackend('webgpu') as unknown as { dispatcher: { pipelinesWarmed: number } }).dispatcher;
    const warmedBefore = dispatcher.pipelinesWarmed;
    const backend = getBackend('webgpu');
    const x = torch.ones([8], { device: 'webgpu' });
    let y = x.add(1); // work comes in
    // A kernel no other warm-up makes (rank 3, a constant of its own).
    const warming = backend.warmPipelines!(() => torch.ones([2, 3, 5, 1, 2], { device: 'webgpu' }).atan2(torch.ones([2, 3, 5, 1, 2], { device: 'webgpu' })));
    const busyUntil = performance.now() + 600;
    while (performance.now() < busyUntil) {
      y = y.add(1);
      await new Promise((r) => setTimeout(r, 20));
      expect(dispatcher.pipelinesWarmed).toBe(warmedBefore); // nothing warmed while work comes in
    }
    expect(await warming).toBeGreaterThanOrEqual(1);
    expect(await y.max().item()).toBeGreaterThan(1);
  });
});
