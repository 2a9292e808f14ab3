/** torch.compile: fused kernel counts and results equal to eager, on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { F, nn, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { compiledInfo } from './compile';
import { getBackend } from '../core/runtime';
import { READ_REASON } from './segments';
import { explain } from './explain';
import { scatterAdd } from '../ops/indexing';

const devices = await testDevices();
const noWebgpu = !devices.includes('webgpu');

/** Kernels one call dispatches, counted with torch.profile (after a warm-up call that traces). */
async function kernelsOf(f: () => Tensor): Promise<{ kernels: number; out: Tensor }> {
  await f().data();
  await torch.synchronize();
  let out!: Tensor;
  const prof = await torch.profile(() => {
    out = f();
  });
  return { kernels: prof.kernels.length, out };
}

async function maxDiff(a: Tensor, b: Tensor): Promise<number> {
  return (await a.sub(b).abs().max().item()) as number;
}

const cases: { name: string; fn: (...a: Tensor[]) => Tensor; args: (d: Device) => Tensor[]; maxKernels: number }[] = [
  {
    name: 'an elementwise chain of six ops',
    fn: (a) => a.mul(2).add(1).relu().sub(0.5).exp().neg(),
    args: (d) => [torch.randn([64, 32], { device: d })],
    maxKernels: 1,
  },
  {
    name: 'gelu(x @ w + b)',
    fn: (a, w, b) => F.gelu(a.matmul(w).add(b)),
    args: (d) => [torch.randn([64, 32], { device: d }), torch.randn([32, 16], { device: d }), torch.randn([16], { device: d })],
    maxKernels: 2,
  },
  {
    name: 'a chain over broadcast and transposed inputs',
    fn: (a, b) => a.t().mul(b).add(b.exp()).tanh(),
    args: (d) => [torch.randn([8, 6], { device: d }), torch.randn([6, 1], { device: d })],
    maxKernels: 1,
  },
  {
    name: 'a layer norm written from primitives',
    fn: (a) => {
      const mu = a.mean(-1, true);
      const xc = a.sub(mu);
      return xc.div(xc.square().mean(-1, true).add(1e-5).sqrt());
    },
    args: (d) => [torch.randn([16, 100], { device: d })],
    maxKernels: 2,
  },
  {
    name: 'a layout copy read by a matmul',
    fn: (a, b) => a.t().contiguous().matmul(b),
    args: (d) => [torch.randn([7, 5], { device: d }), torch.randn([7, 3], { device: d })],
    maxKernels: 1,
  },
  { name: 'softmax', fn: (a) => a.softmax(-1), args: (d) => [torch.randn([16, 70], { device: d })], maxKernels: 2 },
  {
    name: 'sum of squares with the mean divide fused',
    fn: (a) => a.square().mean(-1).sqrt(),
    args: (d) => [torch.randn([16, 40], { device: d })],
    maxKernels: 1,
  },
];

describe('torch.compile', () => {
  for (const c of cases) {
    it(`${c.name}: at most ${c.maxKernels} kernel(s), equal to eager`, async () => {
      for (const d of devices) {
        const args = c.args(d);
        const compiled = torch.compile(c.fn);
        const { kernels, out } = await kernelsOf(() => compiled(...args));
        expect(await maxDiff(out, c.fn(...args)), `${c.name} on ${d}`).toBeLessThanOrEqual(1e-5);
        if (d === 'webgpu') expect(kernels, `${c.name} kernels on ${d}`).toBeLessThanOrEqual(c.maxKernels);
      }
    });
  }

  it.skipIf(noWebgpu)('creates pipelines asynchronously: once ready, a compiled call creates none while it runs', async () => {
    const gpu = getBackend('webgpu') as unknown as { blockingPipelineCreations: number };
    const f = torch.compile((a: Tensor, w: Tensor) => F.gelu(a.matmul(w)).softmax(-1).mul(0.37).sum(-1));
    const a = torch.randn([8, 24], { device: 'webgpu' });
    const w = torch.randn([24, 5], { device: 'webgpu' });
    const first = f(a, w); // runs eagerly while the fused kernels compile
    await torch.synchronize();
    const before = gpu.blockingPipelineCreations;
    const second = f(a, w);
    expect(gpu.blockingPipelineCreations).toBe(before);
    expect(await maxDiff(first, second)).toBeLessThanOrEqual(1e-5);
  });

  it('re-traces when a shape changes and caches per guard set', () => {
    const f = torch.compile((a: Tensor) => a.add(1));
    f(torch.ones([2]));
    f(torch.ones([2]));
    f(torch.ones([3]));
    expect(compiledInfo(f)!.cache.size).toBe(2);
  });

  it('is differentiable: gradients equal eager gradients', async () => {
    for (const d of devices) {
      const fn = (a: Tensor, w: Tensor) => F.gelu(a.matmul(w)).softmax(-1).mul(a.sum(-1, true)).sum();
      const grads = async (f: typeof fn) => {
        const a = torch.randn([4, 5], { device: d }).requiresGrad_();
        const w = torch.randn([5, 3], { device: d }).requiresGrad_();
        torch.manualSeed(3);
        const a2 = torch.randn([4, 5], { device: d }).requiresGrad_();
        const w2 = torch.randn([5, 3], { device: d }).requiresGrad_();
        void a;
        void w;
        f(a2, w2).backward();
        return [await a2.grad!.tolist(), await w2.grad!.tolist()];
      };
      torch.manualSeed(3);
      const eager = await grads(fn);
      torch.manualSeed(3);
      const compiled = await grads(torch.compile(fn));
      expect((compiled.flat(3) as number[]).map((v, i) => Math.abs(v - (eager.flat(3) as number[])[i]) < 1e-4)).not.toContain(false);
    }
  });

  it('compiles a module, keeping it a module', async () => {
    for (const d of devices) {
      const m = new nn.Sequential(new nn.Linear(4, 8), new nn.GELU(), new nn.Linear(8, 2)).to(d);
      const cm = torch.compile(m);
      const x = torch.randn([3, 4], { device: d });
      expect(await maxDiff(cm(x), m(x))).toBeLessThanOrEqual(1e-5);
      expect(cm.parameters().length).toBe(4);
    }
  });

  it('splits a function at a graph break into compiled graphs, equal to eager', async () => {
    for (const d of devices) {
      const fn = async (a: Tensor) => {
        const b = a.mul(2).add(1).relu();
        const total = Number(await b.sum().item());
        return total > 0 ? b.exp().neg().mul(total) : b.neg();
      };
      const compiled = torch.compile(fn);
      const x = torch.randn([8, 16], { device: d });
      // The first call compiles both graphs; the second learns to keep `b` from graph 1 (graph 2 uses it).
      await compiled(x);
      await compiled(x);
      for (let call = 0; call < 3; call++) {
        let out!: Tensor;
        const prof = await torch.profile(async () => {
          out = await compiled(x);
        });
        expect(await maxDiff(out, await fn(x)), `call ${call} on ${d}`).toBeLessThanOrEqual(1e-4);
        if (d === 'webgpu') expect(prof.kernels.length, `kernels of call ${call}`).toBeLessThanOrEqual(3);
      }
      const info = compiledInfo(compiled)!;
      expect(info.lastCall!.graphs.length).toBe(2);
      expect(info.lastCall!.breaks.map((b) => b.reason)).toEqual([READ_REASON]);
    }
  });

  it('makes a fused-away value again when it is used after the call, and learns to keep it', async () => {
    for (const d of devices) {
      const f = torch.compile(async (a: Tensor) => {
        const h = a.exp().add(1);
        const y = h.log().sum();
        await y.item();
        return { y, h };
      });
      const x = torch.randn([5], { device: d });
      const first = await f(x);
      expect(await maxDiff(first.h, x.exp().add(1))).toBeLessThanOrEqual(1e-5);
      const second = await f(x);
      expect(await maxDiff(second.h, x.exp().add(1))).toBeLessThanOrEqual(1e-5);
      expect(await maxDiff(second.y, x.exp().add(1).log().sum())).toBeLessThanOrEqual(1e-4);
    }
  });

  it('differentiates through a function split at a graph break', async () => {
    for (const d of devices) {
      const w = torch.randn([4, 3], { device: d }).requiresGrad_();
      const fn = async (a: Tensor) => {
        const h = F.gelu(a.matmul(w));
        const scale = Number(await h.abs().max().item());
        return h.div(scale).square().sum();
      };
      const x = torch.randn([6, 4], { device: d });
      await (await fn(x)).backward();
      const eager = (await w.grad!.tolist()) as number[][];
      w.grad = null;
      const compiled = torch.compile(fn);
      for (let call = 0; call < 2; call++) {
        (await compiled(x)).backward();
        const got = (await w.grad!.tolist()) as number[][];
        w.grad = null;
        expect(
          got.flat().map((v, i) => Math.abs(v - eager.flat()[i]) < 1e-4),
          `call ${call} on ${d}`,
        ).not.toContain(false);
      }
    }
  });

  it('names its kernels as the backends name the kernels they run', async () => {
    const fn = (a: Tensor, w: Tensor, index: Tensor) => scatterAdd(a, 1, index, a.gather(1, index)).cumsum(-1).softmax(-1).matmul(w).add(a.argmax(-1, true));
    for (const d of devices) {
      const args: [Tensor, Tensor, Tensor] = [
        torch.randn([4, 6], { device: d }),
        torch.randn([6, 3], { device: d }),
        torch.tensor(
          [
            [0, 5],
            [1, 4],
            [2, 3],
            [3, 2],
          ],
          { dtype: 'int32', device: d },
        ),
      ];
      const compiled = torch.compile(fn);
      compiled(...args);
      await torch.synchronize();
      const prof = await torch.profile(() => compiled(...args));
      const kernels = (await explain(fn, ...args)).kernels.flat();
      expect(kernels).toEqual(expect.arrayContaining(['gather', 'scatter_add', 'cumsum', 'argmax']));
      expect(
        prof.kernels.map((k) => k.name),
        d,
      ).toEqual(kernels);
    }
  });
});
