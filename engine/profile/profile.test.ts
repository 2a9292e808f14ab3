/** torch.profile lists exactly the kernels dispatched, in order, with GPU times within the wall time. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, F, optim, type Tensor } from '../index';
import { scatterAdd } from '../ops/indexing';
import { testDevices } from '../testing/devices';
import { hasTimestamps } from '../testing/gpu-requirements';
import { Profile } from './profile';
import { getBackend } from '../core/runtime';

const devices = await testDevices();
const noTimestamps = !(await hasTimestamps());

describe('torch.profile', () => {
  it('lists the kernels of a known sequence in order', async () => {
    for (const d of devices) {
      const x = torch.randn([32, 16], { device: d });
      const w = torch.randn([16, 8], { device: d });
      const before = torch.stats().kernels;
      const prof = await torch.profile(() => x.matmul(w).relu().sum(-1).exp());
      expect(prof.kernels.map((k) => k.name)).toEqual(['mm', 'relu', 'sum', 'exp']);
      expect(torch.stats().kernels - before).toBe(4);
      expect(prof.kernels[0].flops).toBe(2 * 32 * 16 * 8);
      expect(prof.totalMs).toBeLessThanOrEqual(prof.wallMs);
      if (d === 'webgpu' && prof.hasTimestamps) expect(prof.kernels.every((k) => k.gpuMs !== null && k.gpuMs >= 0)).toBe(true);
    }
  });

  it('names and costs every kind of kernel alike on every device (one cost model)', async () => {
    const rows = new Map<Device, [string, number, number][]>();
    for (const d of devices) {
      const x = torch.randn([6, 8], { device: d });
      const w = torch.randn([8, 4], { device: d, requiresGrad: true });
      const index = torch.tensor(
        [
          [0, 7],
          [1, 6],
          [2, 5],
          [3, 4],
          [4, 3],
          [5, 2],
        ],
        { dtype: 'int32', device: d },
      );
      x.matmul(w).sum().backward();
      const opt = new optim.SGD([w], { lr: 0.1 });
      await torch.synchronize();
      const prof = await torch.profile(() => {
        x.mul(2).exp(); // elementwise
        x.sum(-1); // reduce
        x.softmax(-1); // reductions with a post step
        x.argmax(-1); // arg-reduce
        x.cumsum(-1); // cumsum
        x.matmul(w.detach()); // matmul
        x.gather(1, index); // gather
        scatterAdd(x, 1, index, x.narrow(1, 0, 2)); // scatter_add
        opt.step(); // update
      });
      rows.set(
        d,
        prof.kernels.map((k) => [k.name, k.flops, k.bytes]),
      );
    }
    const cpu = rows.get('cpu')!;
    const names = cpu.map(([name]) => name);
    for (const name of ['mul', 'exp', 'sum', 'argmax', 'cumsum', 'mm', 'gather', 'scatter_add']) expect(names).toContain(name);
    expect(names.filter((n) => n.startsWith('update_'))).toHaveLength(1);
    expect(cpu.every(([, flops, bytes]) => flops >= 0 && bytes > 0)).toBe(true);
    if (rows.has('webgpu')) expect(rows.get('webgpu')).toEqual(cpu);
  });

  it('names the op and the line that launched each kernel', async () => {
    const line = (marker: string) =>
      `profile.test.ts:${
        readFileSync(new URL(import.meta.url), 'utf8')
          .split('\n')
          .findIndex((l) => l.includes(marker)) + 1
      }`;
    for (const d of devices) {
      const x = torch.randn([4, 6], { device: d });
      const f = torch.compile((a: Tensor) => a.mul(2).add(1).relu());
      f(x);
      await torch.synchronize();
      const prof = await torch.profile(
        () => {
          x.softmax(-1); // softmax here
          f(x); // compiled here
        },
        { withStack: true },
      );
      const plain = await torch.profile(() => f(x));
      expect([plain.kernels[0].op, plain.kernels[0].line]).toEqual(['mul+add+relu', null]);
      const kernels = prof.kernels.map((k) => [k.op, k.line]);
      expect(
        kernels.slice(0, -1).every(([op, at]) => op === 'Tensor.softmax' && at === line('softmax here')),
        JSON.stringify(kernels),
      ).toBe(true);
      expect(kernels[kernels.length - 1]).toEqual(['mul+add+relu', line('compiled here')]);
      const args = prof.chromeTrace().traceEvents.map((e) => (e as { args: { op: string } }).args.op);
      expect(args[args.length - 1]).toBe('mul+add+relu');
    }
  });

  it('groups by name in its table and exports a Chrome trace', async () => {
    for (const d of devices) {
      const f = torch.compile((a: Tensor) => F.gelu(a.mul(2).add(1)));
      const a = torch.randn([8, 8], { device: d });
      const prof = await torch.profile(async () => {
        for (let i = 0; i < 3; i++) await a.add(1).data();
        f(a);
      });
      const add = prof.summary().find((s) => s.name === 'add')!;
      expect(add.calls).toBeGreaterThanOrEqual(3);
      expect(prof.table()).toMatch(/Name\s+Calls/);
      const trace = JSON.parse(JSON.stringify(prof.chromeTrace()));
      expect(trace.traceEvents.length).toBe(prof.kernels.length);
      expect(trace.traceEvents[0]).toMatchObject({ ph: 'X', cat: 'kernel' });
    }
  });
});

describe('torch.gpuTimer', () => {
  it('says when GPU timestamps come rounded (as browsers round them), and Dawn here gives exact ones', async () => {
    const record = { name: 'add', device: 'webgpu' as const, flops: 4, bytes: 48, gpuMs: 0, cpuMs: null, startMs: 0, group: null, site: null };
    expect(new Profile([record], 1, true, 0.065536).table()).toContain('GPU timestamps here are rounded to 65.5 µs');
    expect(new Profile([record], 1, true, null).table()).not.toContain('rounded');
  });

  it.skipIf(noTimestamps)('reads exact timestamps from Dawn here', async () => {
    const x = torch.ones([64], { device: 'webgpu' });
    const prof = await torch.profile(() => x.add(1).mul(2).data());
    expect(prof.hasTimestamps).toBe(true);
    expect(prof.timestampQuantumMs).toBeNull();
  });

  it('says what timing a kernel costs the GPU where that is noticeable, measured on the device', async () => {
    const record = { name: 'add', device: 'webgpu' as const, flops: 4, bytes: 48, gpuMs: 0.01, cpuMs: null, startMs: 0, group: null, site: null };
    expect(new Profile([record], 1, true, null, 0.0065).table()).toContain('Timing a kernel costs this GPU about 6.5 µs');
    const negligible = new Profile([record], 1, true, null, 0.0001);
    expect(negligible.timestampCostMs).toBeNull();
    expect(negligible.table()).not.toContain('Timing a kernel');
  });

  it.skipIf(noTimestamps)('measures what timing a kernel costs the GPU once per device', async () => {
    const backend = getBackend('webgpu');
    expect(backend.hasTimestamps).toBe(true);
    const measured = await backend.timestampCostMs!();
    expect(measured).toBeGreaterThanOrEqual(0);
    expect(await backend.timestampCostMs!()).toBe(measured); // measured once
    const x = torch.ones([64], { device: 'webgpu' });
    const prof = await torch.profile(() => x.add(1).data());
    expect(prof.timestampCostMs).toBe(measured! >= 0.0005 ? measured : null);
  });

  it.skipIf(noTimestamps)('reports the shaders compiled during a profile and their time apart from the kernel times', async () => {
    const x = torch.ones([2, 1, 3, 1, 2], { device: 'webgpu' });
    const first = await torch.profile(() => x.mul(5).add(2).sqrt().neg().data()); // kernels no other test runs
    expect(first.shadersCompiled).toBeGreaterThanOrEqual(1);
    expect(first.compileMs).toBeGreaterThan(0);
    expect(first.table()).toContain(`Shaders compiled: ${first.shadersCompiled} in`);
    const again = await torch.profile(() => x.mul(5).add(2).sqrt().neg().data());
    expect(again.shadersCompiled).toBe(0);
    expect(again.compileMs).toBe(0);
    expect(again.table()).not.toContain('Shaders compiled');
  });

  it.skipIf(noTimestamps)('times the GPU work submitted between start and stop', async () => {
    const x = torch.randn([64, 64], { device: 'webgpu' });
    const timer = torch.gpuTimer();
    x.matmul(x).relu();
    expect(await timer.stop()).toBeGreaterThanOrEqual(0);
  });
});
