/** Optimizers: one fused kernel per parameter per step; schedulers follow PyTorch's formulas. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { nn, optim, torch, F } from '../index';
import { testDevices } from '../testing/devices';

let devices: Device[] = ['cpu'];
beforeAll(async () => {
  devices = await testDevices();
}, 60_000);

describe('optimizers', () => {
  for (const make of [
    (p: nn.Module) => new optim.SGD(p.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    (p: nn.Module) => new optim.Adam(p.parameters(), { lr: 0.01 }),
    (p: nn.Module) => new optim.AdamW(p.parameters(), { lr: 0.01 }),
  ]) {
    it(`${make.toString().match(/optim\.(\w+)/)![1]} steps each parameter with one kernel`, async () => {
      for (const d of devices) {
        const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2)).to(d);
        const opt = make(model);
        F.mseLoss(model(torch.randn([5, 3], { device: d })), torch.zeros([5, 2], { device: d })).backward();
        const before = torch.stats().kernels;
        opt.step();
        expect(torch.stats().kernels - before).toBe(4);
        await model.parameters()[0].data();
      }
    });
  }
});

describe('learning-rate schedulers', () => {
  const params = () => [torch.zeros([1], { requiresGrad: true })];
  it('StepLR multiplies by gamma every stepSize epochs', () => {
    const opt = new optim.SGD(params(), { lr: 1 });
    const sched = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const lrs = [0, 1, 2, 3, 4].map(() => (sched.step(), sched.getLastLr()[0]));
    expect(lrs).toEqual([1, 0.5, 0.5, 0.25, 0.25]);
  });
  it('CosineAnnealingLR follows half a cosine to etaMin', () => {
    const opt = new optim.SGD(params(), { lr: 1 });
    const sched = new optim.CosineAnnealingLR(opt, { tMax: 4, etaMin: 0 });
    const lrs = [1, 2, 3, 4].map(() => (sched.step(), sched.getLastLr()[0]));
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo((1 + Math.cos((Math.PI * (i + 1)) / 4)) / 2, 10));
  });
});
