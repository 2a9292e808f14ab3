/**
 * Softmax and log-softmax run as ops of their own (row-softmax.ts): two kernels forward, one for
 * the gradient, with the values and gradients of the same formulas written in primitives, on
 * every device.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';

let devices: Device[] = ['cpu'];
beforeAll(async () => {
  devices = await testDevices();
}, 60_000);

interface Case {
  name: string;
  input: (d: Device) => Tensor;
  dim: number;
}

const cases: Case[] = [
  { name: 'last dim of [3, 5]', input: (d) => torch.randn([3, 5], { device: d }), dim: -1 },
  { name: 'dim 0 of [3, 5]', input: (d) => torch.randn([3, 5], { device: d }), dim: 0 },
  { name: 'middle dim of a permuted [4, 3, 5] view', input: (d) => torch.randn([4, 3, 5], { device: d }).permute([2, 0, 1]), dim: 1 },
  { name: 'long rows: last dim of [4, 300], scaled up', input: (d) => torch.randn([4, 300], { device: d }).mul(20), dim: 1 },
  { name: 'a 1-D tensor', input: (d) => torch.randn([7], { device: d }), dim: 0 },
  { name: 'rows of one', input: (d) => torch.randn([3, 1], { device: d }), dim: 1 },
];

/** The same formulas in primitive ops (max, sub, exp, sum, div, log), autograd through each. */
function reference(x: Tensor, dim: number, log: boolean): Tensor {
  const shifted = x.sub(x.detach().max(dim, true).values);
  const sum = shifted.exp().sum(dim, true);
  return log ? shifted.sub(sum.log()) : shifted.exp().div(sum);
}

async function close(got: Tensor, want: Tensor, where: string): Promise<void> {
  expect(got.shape, where).toEqual(want.shape);
  const [g, w] = [(await got.data()) as Float32Array, (await want.data()) as Float32Array];
  g.forEach((v, i) => expect(Math.abs(v - w[i]), `${where} [${i}]: ${v} against ${w[i]}`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(w[i])));
}

describe('softmax and log-softmax: two kernels forward, one for the gradient', () => {
  for (const c of cases) {
    it(c.name, async () => {
      torch.manualSeed(7);
      for (const d of devices) {
        const x = c.input(d);
        const weights = torch.randn(x.shape as number[], { device: d });
        for (const log of [false, true]) {
          const where = `${log ? 'logSoftmax' : 'softmax'} ${c.name} on ${d}`;
          const op = (t: Tensor) => (log ? t.logSoftmax(c.dim) : t.softmax(c.dim));
          const forward = await torch.profile(() => op(x));
          expect(forward.kernels.length, `${where}: forward kernels`).toBe(2);
          await close(op(x), reference(x, c.dim, log), where);

          const fused = x.detach().requiresGrad_();
          const y = op(fused);
          const loss = y.mul(weights).sum();
          const backward = await torch.profile(() => loss.backward());
          // The loss's sum and mul give a copy and a mul (none for the weights, which need no
          // gradient); softmax's own gradient is one reduction.
          expect(
            backward.kernels.map((k) => k.name.replace(/_.*/, '')),
            `${where}: backward kernels`,
          ).toEqual(['copy', 'mul', 'fused']);
          const primitive = x.detach().requiresGrad_();
          reference(primitive, c.dim, log).mul(weights).sum().backward();
          await close(fused.grad!, primitive.grad!, `${where}: gradient`);
        }
      }
    });
  }

  it('a row whose max is infinite comes out NaN on the cpu, as in PyTorch', async () => {
    for (const d of devices) {
      const x = torch.tensor(
        [
          [-Infinity, -Infinity],
          [Infinity, 1],
          [1000, 1000],
        ],
        { device: d },
      );
      const soft = (await x.softmax(1).tolist()) as number[][];
      expect(soft[2], d).toEqual([0.5, 0.5]);
      expect(soft[0][0], d).toBeNaN();
      expect(soft[1][0], d).toBeNaN();
      const log = (await x.logSoftmax(1).tolist()) as number[][];
      expect(log[2][0], d).toBeCloseTo(-Math.LN2, 6);
      // WGSL leaves NaN and infinity to the implementation: the GPU may differ from the cpu here.
      if (d === 'cpu') {
        expect(soft.slice(0, 2)).toEqual([
          [NaN, NaN],
          [NaN, NaN],
        ]);
        expect(log.slice(0, 2)).toEqual([
          [NaN, NaN],
          [NaN, NaN],
        ]);
      }
    }
  });

  it('while torch.compile traces, the composite runs and the compiler fuses it', async () => {
    for (const d of devices) {
      const x = torch.randn([4, 16], { device: d });
      const f = torch.compile((t: Tensor) => t.softmax(-1));
      await close(f(x), x.softmax(-1), `compiled softmax on ${d}`);
      const explained = await torch.explain((t: Tensor) => t.softmax(-1), x);
      expect(explained.opCount, `${d}: the composite's ops traced`).toBe(5);
      expect(explained.kernelCount, `${d}: fused into`).toBeLessThanOrEqual(2);
    }
  });
});
