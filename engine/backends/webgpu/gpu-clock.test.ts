/** GPU time is the time the GPU ran work (stalls between submits apart); shader compilation is timed on its own. */
import { describe, expect, it } from 'vitest';
import { torch, type Tensor } from '../../index';
import { getBackend } from '../../core/runtime';
import { hasTimestamps } from '../../testing/gpu-requirements';
import { testDevices } from '../../testing/devices';
import { CompileClock, busyMs } from './gpu-clock';
import type { WebGpuBackend } from './webgpu-backend';
import type { Dispatcher } from './dispatcher';

const noWebgpu = !(await testDevices()).includes('webgpu');
const noTimestamps = noWebgpu || !(await hasTimestamps());

function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* the CPU busy, the GPU idle */
  }
}

describe('CompileClock', () => {
  it('counts the time at least one compile was open, overlapping ones once', () => {
    let now = 0;
    const clock = new CompileClock(() => now);
    const a = clock.begin();
    now = 10;
    const b = clock.begin();
    now = 30;
    a();
    a(); // ending twice ends once
    now = 50;
    expect(clock.ms).toBe(50); // b still open: counted up to now
    b();
    now = 100;
    const c = clock.begin();
    now = 105;
    c();
    expect(clock.ms).toBe(55);
  });
});

describe('busyMs', () => {
  it('sums the union of spans: gaps between them are not busy time, overlaps count once', () => {
    const span = (startMs: number, gpuMs: number) => ({ startMs, gpuMs });
    expect(busyMs([span(0, 2), span(100, 3), span(101, 1)])).toBe(5);
    expect(busyMs([])).toBe(0);
    expect(busyMs([{ startMs: null, gpuMs: null }])).toBeNull();
  });
});

describe.skipIf(noTimestamps)('GPU time on Dawn', () => {
  it('excludes a long CPU stall between two submits (timestamps at submit boundaries)', async () => {
    const x = torch.randn([64, 64], { device: 'webgpu' });
    await x.matmul(x).add(1).data(); // pipelines compiled before timing
    const backend = getBackend('webgpu') as WebGpuBackend;
    const timer = torch.gpuTimer();
    const from = backend.mark(); // the first-to-last span, as the cell stats measured before
    x.matmul(x);
    await torch.workDone(); // submitted and run
    stall(300);
    const y: Tensor = x.add(1);
    const to = backend.mark();
    const gpuMs = await timer.stop();
    await y.data();
    const [s, e] = await Promise.all([from, to]);
    expect(e! - s!).toBeGreaterThanOrEqual(300); // first to last includes the stall
    expect(gpuMs).not.toBeNull();
    expect(gpuMs!).toBeGreaterThan(0);
    expect(gpuMs!).toBeLessThan(100); // the GPU's own work: small tensors
  });

  it('reports shader compilation apart: counted, timed, and not in the GPU time', async () => {
    const before = torch.stats();
    const timer = torch.gpuTimer();
    // Kernels no other test compiles (a rank-5 elementwise chain and an int32 cumulative sum).
    const x = torch.ones([1, 2, 1, 3, 2], { device: 'webgpu' }).mul(3).sub(1).exp().neg();
    const c = torch.arange(7, { device: 'webgpu', dtype: 'int32' }).cumsum(0);
    const gpuMs = await timer.stop();
    await Promise.all([x.data(), c.data()]);
    const after = torch.stats();
    expect(after.shadersCompiled - before.shadersCompiled).toBeGreaterThanOrEqual(2);
    const compileMs = after.compileMs - before.compileMs;
    expect(compileMs).toBeGreaterThan(0);
    expect(gpuMs).not.toBeNull();
    expect(gpuMs!).toBeLessThan(compileMs);
  });

  it('times many ops over several submits within the wall time, and leaves the profiler alone', async () => {
    const x = torch.randn([16], { device: 'webgpu' });
    await x.add(1).data();
    const dispatcher = (getBackend('webgpu') as unknown as { dispatcher: Dispatcher }).dispatcher;
    const readsBefore = dispatcher.timestampReadbacks;
    const submitsBefore = dispatcher.submits;
    const started = performance.now();
    const timer = torch.gpuTimer();
    let y = x;
    for (let i = 0; i < 50; i++) {
      y = y.add(1);
      if (i % 10 === 0) await torch.workDone();
    }
    const gpuMs = await timer.stop();
    const wallMs = performance.now() - started;
    expect(gpuMs!).toBeGreaterThan(0);
    expect(gpuMs!).toBeLessThanOrEqual(wallMs);
    expect(await y.sum().item()).toBeGreaterThan(0);
    expect(dispatcher.submits - submitsBefore).toBeGreaterThanOrEqual(5);
    expect(dispatcher.timestampReadbacks).toBe(readsBefore); // the profiler's timestamps untouched
  });
});
