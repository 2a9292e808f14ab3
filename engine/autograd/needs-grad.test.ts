/**
 * Backward computes no gradient for an input that does not require one (PyTorch's
 * needs_input_grad): no kernels spent on data, targets or constants.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { nn, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';

let devices: Device[] = ['cpu'];
beforeAll(async () => {
  devices = await testDevices();
}, 60_000);

interface Case {
  name: string;
  /** The loss, from a tensor that requires grad and one that does not. */
  loss: (w: Tensor, data: Tensor) => Tensor;
  /** Kernels backward dispatches, by name, with only `w` requiring grad. */
  kernels: string[];
}

const cases: Case[] = [
  { name: 'matmul with data on the left: one product', loss: (w, data) => data.matmul(w).sum(), kernels: ['copy', 'mm'] },
  { name: 'matmul with data on the right: one product', loss: (w, data) => w.matmul(data).sum(), kernels: ['copy', 'mm'] },
  { name: 'mul by data: one mul', loss: (w, data) => w.mul(data).sum(), kernels: ['copy', 'mul'] },
  { name: "data divided by w: the divisor's gradient only", loss: (w, data) => data.div(w).sum(), kernels: ['copy', 'mul', 'square', 'div', 'neg'] },
  { name: 'w divided by data: one div', loss: (w, data) => w.div(data).sum(), kernels: ['copy', 'div'] },
];

describe('no gradient computed for inputs that need none', () => {
  for (const c of cases) {
    it(c.name, async () => {
      for (const d of devices) {
        torch.manualSeed(3);
        const w = torch.randn([4, 4], { device: d }).add(3).requiresGrad_();
        const data = torch.randn([4, 4], { device: d }).add(3);
        const loss = c.loss(w, data);
        const prof = await torch.profile(() => loss.backward());
        expect(
          prof.kernels.map((k) => k.name),
          `${c.name} on ${d}`,
        ).toEqual(c.kernels);
        // The same gradient as when both require grad.
        const both = w.detach().requiresGrad_();
        const dataGrad = data.detach().requiresGrad_();
        c.loss(both, dataGrad).backward();
        const [got, want] = [Array.from((await w.grad!.data()) as Float32Array), Array.from((await both.grad!.data()) as Float32Array)];
        got.forEach((v, i) => expect(Math.abs(v - want[i]), `${c.name} on ${d} [${i}]`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i]))));
        expect(dataGrad.grad, `${c.name} on ${d}: data's gradient when asked for`).not.toBeNull();
      }
    });
  }

  it('two linear layers on input data: backward runs three products (no gradient for the data), not four', async () => {
    for (const d of devices) {
      const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 2)).to(d);
      const x = torch.randn([5, 8], { device: d });
      const loss = model(x).square().sum();
      const prof = await torch.profile(() => loss.backward());
      expect(prof.kernels.filter((k) => k.name === 'mm').length, d).toBe(3);
    }
  });
});
