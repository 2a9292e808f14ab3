/** Parameter groups (per-group options as properties, addParamGroup), stateDict/loadStateDict, zeroGrad, and bad options. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { optim, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { t } from '../testing/nested-close';

let devices: Device[] = ['cpu'];
beforeAll(async () => {
  devices = await testDevices();
}, 60_000);

const leaf = (d: Device = 'cpu', v = [1, 2, 3]) => t(d, v, true);
const gradOf = (d: Device, ...ps: Tensor[]) => ps.forEach((p) => (p.grad = torch.onesLike(p, { device: d })));

describe('parameter groups', () => {
  it('expose their options as properties, overriding the defaults per group', () => {
    const [a, b] = [leaf(), leaf()];
    const opt = new optim.SGD([{ params: [a], lr: 0.1 }, { params: [b] }], { lr: 0.01, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.params.length])).toEqual([
      [0.1, 0.9, 1],
      [0.01, 0.9, 1],
    ]);
    opt.paramGroups[1].options.lr = 0.5;
    expect(opt.paramGroups[1].lr).toBe(0.5);
    expect(opt.defaults.lr).toBe(0.01);
  });

  it('take a new lr at the next step, and addParamGroup adds a group with the defaults', async () => {
    for (const d of devices) {
      const [a, b] = [leaf(d), leaf(d)];
      const opt = new optim.SGD([a], { lr: 0.1 });
      opt.paramGroups[0].lr = 0.5;
      opt.addParamGroup({ params: [b] });
      expect(opt.paramGroups[1].lr).toBe(0.1);
      gradOf(d, a, b);
      opt.step();
      expect(await a.tolist()).toEqual([0.5, 1.5, 2.5]);
      expect((await b.tolist()) as number[]).toEqual([0.9, 1.9, 2.9].map((x) => Math.fround(x)));
    }
  });

  it('stateDict has PyTorch layout: state by index with PyTorch names, groups with snake_case keys and params as indices', () => {
    const [a, b, c] = [leaf(), leaf(), leaf()];
    const opt = new optim.Adam([{ params: [a, b] }, { params: [c], weightDecay: 0.1 }], { lr: 0.01, amsgrad: true });
    gradOf('cpu', a, c);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '2']);
    expect(Object.keys(sd.state[0])).toEqual(['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(sd.state[0].step).toBe(1);
    expect(sd.param_groups[0]).toEqual({
      lr: 0.01,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0,
      amsgrad: true,
      maximize: false,
      decoupled_weight_decay: false,
      params: [0, 1],
    });
    expect(sd.param_groups[1].weight_decay).toBe(0.1);
    expect(sd.param_groups[1].params).toEqual([2]);
  });

  it('loadStateDict copies the state and the group options, so both optimizers then step alike and apart', async () => {
    for (const d of devices) {
      const [a, b] = [leaf(d), leaf(d)];
      const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
      gradOf(d, a);
      opt.step();
      const opt2 = new optim.SGD([b], { lr: 0.3 });
      opt2.loadStateDict(opt.stateDict());
      expect([opt2.paramGroups[0].lr, opt2.paramGroups[0].momentum]).toEqual([0.1, 0.9]);
      gradOf(d, b);
      opt2.step();
      // b: 1 step from its own start with the loaded buffer (1): buf = 0.9 + 1 = 1.9.
      expect(await b.tolist()).toEqual([1, 2, 3].map((x) => Math.fround(x - 0.1 * 1.9)));
      expect(await (opt.stateDict().state[0].momentum_buffer as Tensor).tolist()).toEqual([1, 1, 1]);
    }
  });

  it('step(closure) runs the closure with gradients on, then steps, and returns its loss', async () => {
    const a = leaf();
    const opt = new optim.SGD([a], { lr: 0.1 });
    const loss = torch.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = a.square().sum();
        l.backward();
        return l;
      }),
    );
    expect(await loss!.item()).toBe(14);
    expect((await a.tolist()) as number[]).toEqual([0.8, 1.6, 2.4].map((x) => Math.fround(x)));
  });

  it('zeroGrad sets gradients to null by default, to zeros with setToNone: false', async () => {
    const a = leaf();
    const opt = new optim.SGD([a], { lr: 0.1 });
    gradOf('cpu', a);
    opt.zeroGrad({ setToNone: false });
    expect(await a.grad!.tolist()).toEqual([0, 0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });
});

describe('bad optimizer options', () => {
  const p = leaf();
  const cases: [string, () => unknown, RegExp][] = [
    ['negative lr', () => new optim.SGD([p], { lr: -0.1 }), /invalid learning rate -0\.1/],
    ['beta out of range', () => new optim.Adam([p], { betas: [1, 0.9] }), /invalid betas/],
    ['negative eps', () => new optim.Adamax([p], { eps: -1 }), /invalid eps/],
    ['negative weight decay', () => new optim.NAdam([p], { weightDecay: -1 }), /invalid weightDecay/],
    ['negative momentum', () => new optim.RMSprop([p], { momentum: -0.5 }), /invalid momentum/],
    ['negative alpha', () => new optim.RMSprop([p], { alpha: -0.5 }), /invalid alpha/],
    ['negative lrDecay', () => new optim.Adagrad([p], { lrDecay: -1 }), /invalid lrDecay/],
    ['negative momentumDecay', () => new optim.NAdam([p], { momentumDecay: -1 }), /invalid momentumDecay/],
    ['nesterov without momentum', () => new optim.SGD([p], { lr: 0.1, nesterov: true }), /nesterov/],
    ['unknown option', () => new optim.Adam([p], { weight_decay: 0.1 } as never), /unknown option 'weight_decay'/],
    ['a parameter in two groups', () => new optim.SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }), /more than one parameter group/],
    ['a bad group lr', () => new optim.SGD([{ params: [p], lr: -1 }], { lr: 0.1 }), /invalid learning rate -1/],
    ['addParamGroup with a parameter already there', () => new optim.SGD([p], { lr: 0.1 }).addParamGroup({ params: [p] }), /more than one parameter group/],
    [
      'loadStateDict with other groups',
      () => new optim.SGD([p], { lr: 0.1 }).loadStateDict({ state: {}, param_groups: [] }),
      /0 parameter groups, the optimizer 1/,
    ],
  ];
  for (const [name, f, message] of cases) it(`fails clearly on ${name}`, () => expect(f).toThrow(message));
});
