/** Every optimizer's fused kernel against PyTorch's update written out as plain arithmetic, on every device, one kernel per parameter per step. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { nn, optim, torch, F, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { t } from '../testing/nested-close';

let devices: Device[] = ['cpu'];
beforeAll(async () => {
  devices = await testDevices();
}, 60_000);

type State = Record<string, number>;
/** One element's update as torch.optim's docs write it: takes p, grad, state (mutated) and the step t >= 1, returns the new p. */
type Ref = (p: number, g: number, s: State, t: number) => number;

const sgd =
  (lr: number, mom: number, damp: number, wd: number, nesterov: boolean, maximize: boolean): Ref =>
  (p, g, s, step) => {
    g = (maximize ? -g : g) + wd * p;
    if (mom !== 0) {
      s.buf = step === 1 ? g : mom * s.buf + (1 - damp) * g;
      g = nesterov ? g + mom * s.buf : s.buf;
    }
    return p - lr * g;
  };

const adam =
  (lr: number, b1: number, b2: number, eps: number, wd: number, amsgrad: boolean, decoupled: boolean, maximize: boolean): Ref =>
  (p, g, s, step) => {
    g = maximize ? -g : g;
    if (decoupled) p *= 1 - lr * wd;
    else g += wd * p;
    s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
    s.v = b2 * (s.v ?? 0) + (1 - b2) * g * g;
    s.vmax = Math.max(s.vmax ?? 0, s.v);
    const denom = Math.sqrt(amsgrad ? s.vmax : s.v) / Math.sqrt(1 - b2 ** step) + eps;
    return p - (lr / (1 - b1 ** step)) * (s.m / denom);
  };

const rmsprop =
  (lr: number, alpha: number, eps: number, wd: number, mom: number, centered: boolean): Ref =>
  (p, g, s) => {
    g += wd * p;
    s.sq = alpha * (s.sq ?? 0) + (1 - alpha) * g * g;
    s.ga = alpha * (s.ga ?? 0) + (1 - alpha) * g;
    const avg = Math.sqrt(centered ? s.sq - s.ga * s.ga : s.sq) + eps;
    if (mom > 0) {
      s.buf = mom * (s.buf ?? 0) + g / avg;
      return p - lr * s.buf;
    }
    return p - (lr * g) / avg;
  };

const adagrad =
  (lr: number, decay: number, wd: number, init: number, eps: number): Ref =>
  (p, g, s, step) => {
    g += wd * p;
    s.sum = (s.sum ?? init) + g * g;
    return p - (lr / (1 + (step - 1) * decay)) * (g / (Math.sqrt(s.sum) + eps));
  };

const adamax =
  (lr: number, b1: number, b2: number, eps: number, wd: number, maximize: boolean): Ref =>
  (p, g, s, step) => {
    g = (maximize ? -g : g) + wd * p;
    s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
    s.u = Math.max(b2 * (s.u ?? 0), Math.abs(g) + eps);
    return p - (lr / (1 - b1 ** step)) * (s.m / s.u);
  };

const nadam =
  (lr: number, b1: number, b2: number, eps: number, wd: number, psi: number, decoupled: boolean): Ref =>
  (p, g, s, step) => {
    if (decoupled) p *= 1 - lr * wd;
    else g += wd * p;
    const mu = b1 * (1 - 0.5 * 0.96 ** (step * psi));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi));
    s.mp = (s.mp ?? 1) * mu;
    s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
    s.v = b2 * (s.v ?? 0) + (1 - b2) * g * g;
    const denom = Math.sqrt(s.v / (1 - b2 ** step)) + eps;
    return p - ((lr * (1 - mu)) / (1 - s.mp)) * (g / denom) - ((lr * muNext) / (1 - s.mp * muNext)) * (s.m / denom);
  };

const CASES: [string, (ps: Tensor[]) => optim.Optimizer<{ lr: number }>, Ref][] = [
  ['SGD', (ps) => new optim.SGD(ps, { lr: 0.1 }), sgd(0.1, 0, 0, 0, false, false)],
  [
    'SGD dampening maximize',
    (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.8, dampening: 0.3, weightDecay: 0.05, maximize: true }),
    sgd(0.1, 0.8, 0.3, 0.05, false, true),
  ],
  ['SGD nesterov', (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true }), sgd(0.05, 0.9, 0, 0, true, false)],
  ['Adam maximize', (ps) => new optim.Adam(ps, { lr: 0.01, maximize: true }), adam(0.01, 0.9, 0.999, 1e-8, 0, false, false, true)],
  ['Adam amsgrad wd', (ps) => new optim.Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1 }), adam(0.01, 0.9, 0.999, 1e-8, 0.1, true, false, false)],
  ['AdamW amsgrad', (ps) => new optim.AdamW(ps, { lr: 0.01, amsgrad: true, betas: [0.8, 0.9] }), adam(0.01, 0.8, 0.9, 1e-8, 0.01, true, true, false)],
  ['RMSprop', (ps) => new optim.RMSprop(ps, {}), rmsprop(0.01, 0.99, 1e-8, 0, 0, false)],
  ['RMSprop momentum', (ps) => new optim.RMSprop(ps, { lr: 0.02, momentum: 0.7 }), rmsprop(0.02, 0.99, 1e-8, 0, 0.7, false)],
  ['RMSprop centered', (ps) => new optim.RMSprop(ps, { centered: true, alpha: 0.9, weightDecay: 0.1 }), rmsprop(0.01, 0.9, 1e-8, 0.1, 0, true)],
  ['RMSprop centered momentum', (ps) => new optim.RMSprop(ps, { centered: true, momentum: 0.5 }), rmsprop(0.01, 0.99, 1e-8, 0, 0.5, true)],
  ['Adagrad', (ps) => new optim.Adagrad(ps, {}), adagrad(0.01, 0, 0, 0, 1e-10)],
  [
    'Adagrad all options',
    (ps) => new optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.2, weightDecay: 0.1, initialAccumulatorValue: 0.5 }),
    adagrad(0.1, 0.2, 0.1, 0.5, 1e-10),
  ],
  ['Adamax', (ps) => new optim.Adamax(ps, {}), adamax(2e-3, 0.9, 0.999, 1e-8, 0, false)],
  ['Adamax wd maximize', (ps) => new optim.Adamax(ps, { lr: 0.05, weightDecay: 0.1, maximize: true }), adamax(0.05, 0.9, 0.999, 1e-8, 0.1, true)],
  ['NAdam', (ps) => new optim.NAdam(ps, {}), nadam(2e-3, 0.9, 0.999, 1e-8, 0, 4e-3, false)],
  [
    'NAdam decoupled',
    (ps) => new optim.NAdam(ps, { lr: 0.05, weightDecay: 0.1, decoupledWeightDecay: true, momentumDecay: 0.01 }),
    nadam(0.05, 0.9, 0.999, 1e-8, 0.1, 0.01, true),
  ],
];

const P0 = [0.5, -1.2, 0.3, 2.0, -0.7, 0.05];
const GRADS = [
  [0.3, -0.1, 0.8, -1.5, 0.2, 0.01],
  [-0.2, 0.4, 0.6, -0.9, -0.3, 0.02],
  [0.1, 0.5, -0.4, 0.7, 0.05, -0.03],
];

describe('optimizer updates', () => {
  for (const [name, make, ref] of CASES) {
    it(`${name} matches PyTorch's update, one kernel per step`, async () => {
      const states = P0.map(() => ({}) as State);
      const want = P0.map((p0, i) => GRADS.reduce((p, g, k) => ref(p, g[i], states[i], k + 1), p0));
      for (const d of devices) {
        const p = t(d, P0, true);
        const opt = make([p]);
        for (const g of GRADS) {
          p.grad = t(d, g);
          const before = torch.stats().kernels;
          opt.step();
          expect(torch.stats().kernels - before, `${name} kernels on ${d}`).toBe(1);
        }
        const got = (await p.tolist()) as number[];
        got.forEach((v, i) =>
          expect(Math.abs(v - want[i]), `${name} on ${d}: element ${i} ${v} vs ${want[i]}`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(want[i])),
        );
      }
    });
  }

  it('each new optimizer steps a model with one kernel per parameter', async () => {
    for (const d of devices) {
      const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2)).to(d);
      F.mseLoss(model(torch.randn([5, 3], { device: d })), torch.zeros([5, 2], { device: d })).backward();
      for (const [, make] of CASES) {
        const opt = make(model.parameters());
        const before = torch.stats().kernels;
        opt.step();
        expect(torch.stats().kernels - before).toBe(4);
      }
      await model.parameters()[0].data();
    }
  });
});
