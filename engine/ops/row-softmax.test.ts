/**
 * Softmax and log-softmax without a gradient to record run in two kernels (row-softmax.ts); with
 * one, as composites of primitives. Both give the same values, on every device.
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

async function close(got: Tensor, want: Tensor, where: string): Promise<void> {
  expect(got.shape, where).toEqual(want.shape);
  const [g, w] = [(await got.data()) as Float32Array, (await want.data()) as Float32Array];
  g.forEach((v, i) => expect(Math.abs(v - w[i]), `${where} [${i}]: ${v} against ${w[i]}`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(w[i])));
}

describe('softmax without a gradient to record: two kernels, the values of the composite', () => {
  for (const c of cases) {
    it(c.name, async () => {
      torch.manualSeed(7);
      for (const d of devices) {
        const x = c.input(d);
        const tracked = x.detach().requiresGrad_();
        for (const log of [false, true]) {
          const op = (t: Tensor) => (log ? t.logSoftmax(c.dim) : t.softmax(c.dim));
          const where = `${log ? 'logSoftmax' : 'softmax'} ${c.name} on ${d}`;
          const fused = await torch.profile(() => op(x));
          const composite = await torch.profile(() => op(tracked));
          expect(fused.kernels.length, `${where}: kernels`).toBe(2);
          expect(composite.kernels.length, `${where}: kernels with a gradient to record`).toBeGreaterThan(2);
          await close(op(x), op(tracked).detach(), where);
          expect(op(x).requiresGrad, where).toBe(false);
        }
      }
    });
  }

  it('a row whose max is infinite comes out NaN on the cpu, as in PyTorch, and as the composite gives on every device', async () => {
    for (const d of devices) {
      const x = torch.tensor([[-Infinity, -Infinity], [Infinity, 1], [1000, 1000]], { device: d });
      const tracked = x.detach().requiresGrad_();
      const fused = (await x.softmax(1).tolist()) as number[][];
      expect(fused[2], d).toEqual([0.5, 0.5]);
      expect(fused[0][0], d).toBeNaN();
      expect(fused[1][0], d).toBeNaN();
      // WGSL leaves NaN and infinity to the implementation: the GPU may differ from the cpu here.
      if (d === 'cpu') expect(fused.slice(0, 2)).toEqual([[NaN, NaN], [NaN, NaN]]);
      expect(fused, d).toEqual(await tracked.softmax(1).detach().tolist());
      const log = (await x.logSoftmax(1).tolist()) as number[][];
      if (d === 'cpu') expect(log.slice(0, 2)).toEqual([[NaN, NaN], [NaN, NaN]]);
      expect(log[2][0], d).toBeCloseTo(-Math.LN2, 6);
    }
  });

  it('under torch.no_grad a tensor that requires grad takes the two kernels too', async () => {
    for (const d of devices) {
      const x = torch.randn([2, 8], { device: d }).requiresGrad_();
      const prof = await torch.profile(() => torch.noGrad(() => x.softmax(-1)));
      expect(prof.kernels.length, d).toBe(2);
    }
  });
});
