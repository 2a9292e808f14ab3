/** BatchNorm, GroupNorm and RMSNorm in train and eval mode, and the Module core (state dict order, buffers, containers), on every device. */
import { describe, expect, it } from 'vitest';
import { F, nn, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, t } from '../testing/nested-close';

const devices = await testDevices();
const EPS = 1e-5;
const s = (v: number) => 1 / Math.sqrt(v + EPS);

class Net extends nn.Module {
  blocks = new nn.ModuleDict({ a: new nn.Linear(2, 3), b: new nn.BatchNorm1d(3) });
  scales = new nn.ParameterList([nn.Parameter(torch.ones([3])), nn.Parameter(torch.zeros([2]))]);
  extra = new nn.ParameterDict({ u: nn.Parameter(torch.ones([2])) });
  constructor() {
    super();
    this.registerBuffer('stat', torch.zeros([3]));
    this.registerBuffer('tmp', torch.ones([1]), { persistent: false });
  }
  override forward(x: Tensor) {
    return x;
  }
}

describe('BatchNorm', () => {
  it('train() normalises with the batch statistics and updates the running ones (unbiased variance)', async () => {
    for (const d of devices) {
      const bn = new nn.BatchNorm1d(2).to(d);
      const x = t(d, [
        [1, 2],
        [3, 6],
      ]);
      const y = bn(x);
      expectClose(await y.tolist(), [
        [-s(1), -2 * s(4)],
        [s(1), 2 * s(4)],
      ]);
      expectClose(await bn.running_mean!.tolist(), [0.2, 0.4]);
      expectClose(await bn.running_var!.tolist(), [0.9 + 0.1 * 2, 0.9 + 0.1 * 8]);
      expect(await bn.num_batches_tracked!.tolist()).toBe(1);
      bn.eval();
      const z = bn(x);
      expectClose(await z.tolist(), [
        [(1 - 0.2) * s(1.1), (2 - 0.4) * s(1.7)],
        [(3 - 0.2) * s(1.1), (6 - 0.4) * s(1.7)],
      ]);
      expect(await bn.num_batches_tracked!.tolist()).toBe(1);
    }
  });

  it('momentum null keeps a cumulative average; BatchNorm2d reduces over N, H and W', async () => {
    for (const d of devices) {
      const bn = new nn.BatchNorm1d(1, { momentum: null }).to(d);
      bn(t(d, [[1], [3]]));
      bn(t(d, [[5], [9]]));
      expectClose(await bn.running_mean!.tolist(), [(2 + 7) / 2]);
      expectClose(await bn.running_var!.tolist(), [(2 + 8) / 2]);
      expect(await bn.num_batches_tracked!.tolist()).toBe(2);
      const bn2 = new nn.BatchNorm2d(2, { affine: false }).to(d);
      const x = torch.arange(16, { device: d }).float().reshape([2, 2, 2, 2]);
      bn2(x);
      // channel 0: 0,1,2,3,8,9,10,11 (mean 5.5); channel 1: 4..7,12..15 (mean 9.5)
      expectClose(await bn2.running_mean!.tolist(), [0.55, 0.95]);
    }
  });

  it('gradients through train-mode BatchNorm match the composed formula', async () => {
    for (const d of devices) {
      const x = t(d, [[[1, 4]], [[2, -1]], [[0, 3]]], true);
      const w = t(d, [2], true);
      const b = t(d, [0.5], true);
      const g = t(d, [[[1, 2]], [[3, 4]], [[5, 6]]]);
      F.batchNorm(x, null, null, w, b, { training: true }).mul(g).sum().backward();
      const x2 = x.detach().clone();
      x2.requiresGrad = true;
      const mean = x2.mean([0, 2], true);
      const v = x2.sub(mean).square().mean([0, 2], true);
      x2.sub(mean).div(v.add(EPS).sqrt()).mul(2).mul(g).sum().backward();
      expectClose(await x.grad!.tolist(), (await x2.grad!.tolist()) as number[]);
      expectClose(await b.grad!.tolist(), [21]);
      expect(w.grad!.shape).toEqual([1]);
    }
  });

  it('without running statistics eval() uses the batch statistics; prints as PyTorch', async () => {
    const bn = new nn.BatchNorm1d(3, { trackRunningStats: false }).to('cpu');
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
    bn.eval();
    expectClose(
      await bn(
        t('cpu', [
          [1, 2, 3],
          [3, 2, 1],
        ]),
      ).tolist(),
      [
        [-s(1), 0, s(1)],
        [s(1), 0, -s(1)],
      ],
    );
    expect(String(new nn.BatchNorm1d(3))).toBe('BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(String(new nn.BatchNorm2d(8, { momentum: null, affine: false }))).toBe(
      'BatchNorm2d(8, eps=1e-05, momentum=None, affine=False, track_running_stats=True)',
    );
    expect(String(new nn.GroupNorm(2, 6))).toBe('GroupNorm(2, 6, eps=1e-05, affine=True)');
    expect(String(new nn.RMSNorm([5], { eps: 1e-6 }))).toBe('RMSNorm((5,), eps=1e-06, elementwise_affine=True)');
    expect(String(new nn.RMSNorm(4))).toBe('RMSNorm((4,), eps=None, elementwise_affine=True)');
  });

  const errors: [string, () => unknown, RegExp][] = [
    [
      'BatchNorm2d on a 3-D input',
      () => new nn.BatchNorm2d(2)(torch.zeros([2, 2, 3])),
      /BatchNorm2d: expected a 4-D \[N, C, H, W\] input, got shape \[2, 2, 3\]/,
    ],
    ['BatchNorm1d on a 4-D input', () => new nn.BatchNorm1d(2)(torch.zeros([2, 2, 3, 3])), /BatchNorm1d: expected a 2-D/],
    ['wrong channel count', () => new nn.BatchNorm1d(3)(torch.zeros([4, 2])), /BatchNorm1d: expected 3 channels \(dim 1\) but got input of shape \[4, 2\]/],
    ['one value per channel in training', () => new nn.BatchNorm1d(2)(torch.zeros([1, 2])), /expected more than 1 value per channel when training/],
    ['bad momentum', () => new nn.BatchNorm1d(2, { momentum: 2 }), /momentum must be a number between 0 and 1 or null/],
    ['F.batchNorm weight size', () => F.batchNorm(torch.zeros([2, 3]), null, null, torch.ones([2]), null, { training: true }), /weight must have shape \[3\]/],
    ['F.batchNorm eval without stats', () => F.batchNorm(torch.zeros([2, 3]), null, null), /runningMean and runningVar are needed/],
    ['GroupNorm channels not divisible', () => new nn.GroupNorm(4, 6), /numChannels 6 must be divisible by numGroups 4/],
    ['GroupNorm wrong channels', () => new nn.GroupNorm(2, 6)(torch.zeros([2, 4, 3])), /GroupNorm: expected an input \[N, 6, \.\.\.\]/],
    ['F.groupNorm not divisible', () => F.groupNorm(torch.zeros([2, 5]), 2), /not divisible by numGroups 2/],
    ['RMSNorm wrong trailing shape', () => new nn.RMSNorm([5])(torch.zeros([2, 4])), /rmsNorm: input shape \[2, 4\] does not end with normalizedShape \[5\]/],
  ];
  for (const [name, f, re] of errors) it(`refuses ${name}`, () => expect(f).toThrow(re));

  it('torch.compile runs BatchNorm as eager does: running statistics updated in train(), a new graph for eval()', async () => {
    for (const d of devices) {
      const make = () => {
        torch.manualSeed(1);
        return new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3)).to(d);
      };
      const eager = make();
      const compiled = torch.compile(make());
      const x = t(d, [
        [1, 2],
        [0, -1],
        [3, 1],
      ]);
      for (let i = 0; i < 3; i++) expectClose(await compiled(x).tolist(), (await eager(x).tolist()) as number[][]);
      const [bnEager, bnCompiled] = [eager.at(1) as nn.BatchNorm1d, compiled.at(1) as nn.BatchNorm1d];
      expectClose(await bnCompiled.running_mean!.tolist(), (await bnEager.running_mean!.tolist()) as number[]);
      expect(await bnCompiled.num_batches_tracked!.tolist()).toBe(3);
      eager.eval();
      compiled.eval();
      expectClose(await compiled(x).tolist(), (await eager(x).tolist()) as number[][]);
      expect(await bnCompiled.num_batches_tracked!.tolist()).toBe(3);
    }
  });

  it('in-place ops on tensors of fewer than 4 elements work (num_batches_tracked.add_)', async () => {
    for (const d of devices) {
      const n = torch.full([], 0, { dtype: 'int32', device: d });
      n.add_(1);
      const v = t(d, [1, 2, 3]);
      v.mul_(2);
      expect(await n.tolist()).toBe(1);
      expect(await v.tolist()).toEqual([2, 4, 6]);
    }
  });
});

describe('GroupNorm and RMSNorm', () => {
  it('normalise per group and by the root mean square', async () => {
    for (const d of devices) {
      const x = t(d, [[[1], [3], [10], [20]]]);
      const gn = new nn.GroupNorm(2, 4).to(d);
      expectClose(await gn(x).reshape([-1]).tolist(), [-s(1), s(1), -5 * s(25), 5 * s(25)]);
      const y = F.rmsNorm(t(d, [[3, 4]]), [2], t(d, [1, 2]), 0);
      const r = Math.sqrt(12.5);
      expectClose(await y.tolist(), [[3 / r, 8 / r]]);
      expectClose(
        await F.groupNorm(x, 1, null, null, 0).reshape([-1]).tolist(),
        [1, 3, 10, 20].map((v) => (v - 8.5) / Math.sqrt((7.5 ** 2 + 5.5 ** 2 + 1.5 ** 2 + 11.5 ** 2) / 4)),
      );
    }
  });
});

describe('Module core', () => {
  it('orders the state dict as PyTorch: own parameters, own persistent buffers, then submodules', () => {
    const keys = Object.keys(new Net().stateDict());
    expect(keys.join(',')).toBe(
      'stat,blocks.a.weight,blocks.a.bias,blocks.b.weight,blocks.b.bias,blocks.b.running_mean,blocks.b.running_var,blocks.b.num_batches_tracked,scales.0,scales.1,extra.u',
    );
    const net = new Net();
    expect(net.namedBuffers().map(([k]) => k)).toEqual(['stat', 'tmp', 'blocks.b.running_mean', 'blocks.b.running_var', 'blocks.b.num_batches_tracked']);
    expect(net.parameters().length).toBe(7);
  });

  it('moves buffers (non-persistent and integer ones too) with to(), and round-trips integer buffers', async () => {
    for (const d of devices) {
      const net = new Net().to(d);
      const tmp = (net as unknown as { tmp: Tensor }).tmp;
      expect(tmp.device).toBe(d);
      const bn = net.blocks.get('b') as nn.BatchNorm1d;
      expect(bn.num_batches_tracked!.device).toBe(d);
      expect(bn.num_batches_tracked!.dtype).toBe('int32');
      const other = new Net().to(d);
      bn(torch.randn([4, 3], { device: d }));
      other.loadStateDict(net.stateDict());
      const ob = other.blocks.get('b') as nn.BatchNorm1d;
      expect(await ob.num_batches_tracked!.tolist()).toBe(1);
      expect(ob.num_batches_tracked!.dtype).toBe('int32');
      expectClose(await ob.running_mean!.tolist(), (await bn.running_mean!.tolist()) as number[]);
    }
  });

  it('loads non-strictly, returning missing and unexpected keys in order', () => {
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    const r = m.loadStateDict({ '0.weight': torch.zeros([2, 3]), '1.running_var': torch.ones([2]), zzz: torch.ones([1]) }, { strict: false });
    expect(r).toEqual({ missingKeys: ['0.bias', '1.weight', '1.bias', '1.running_mean', '1.num_batches_tracked'], unexpectedKeys: ['zzz'] });
    expect(() => m.loadStateDict({ '0.weight': torch.zeros([2, 3]) })).toThrow(/loadStateDict: missing keys: 0.bias, 1.weight/);
    expect(() => m.loadStateDict({ '0.weight': torch.zeros([3, 3]) }, { strict: false })).toThrow(/size mismatch for '0.weight'/);
  });

  it('namedModules lists each module once with the root as empty name; apply runs children first', () => {
    const shared = new nn.Linear(2, 2);
    const m = new nn.Sequential(shared, new nn.Sequential(new nn.ReLU(), shared));
    expect(m.namedModules().map(([n]) => n)).toEqual(['', '0', '1', '1.0']);
    const order: string[] = [];
    m.apply((x) => order.push(x.constructor.name));
    expect(order).toEqual(['Linear', 'ReLU', 'Linear', 'Sequential', 'Sequential']);
    m.requiresGrad_(false);
    expect(m.parameters().every((p) => !p.requiresGrad)).toBe(true);
    expect(m.parameters().length).toBe(2);
    m.requiresGrad_(true);
    expect(shared.weight.requiresGrad).toBe(true);
  });

  it('keeps tied weights tied through to() and lists them under each name in the state dict, as PyTorch', () => {
    for (const d of devices) {
      const emb = new nn.Embedding(4, 2);
      const head = new nn.Linear(2, 4, { bias: false });
      head.weight = emb.weight;
      const m = new nn.Sequential(emb, head).to(d);
      expect((m.at(1) as nn.Linear).weight).toBe((m.at(0) as nn.Embedding).weight);
      expect(Object.keys(m.stateDict())).toEqual(['0.weight', '1.weight']);
      expect(m.parameters().length).toBe(1);
    }
  });

  it('half() and float() cast floating tensors only; to() refuses an integer dtype', () => {
    const m = new nn.BatchNorm1d(2).to('cpu').half();
    expect(m.num_batches_tracked!.dtype).toBe('int32');
    expect(m.running_var!.dtype).toBe('float16');
    m.float();
    expect(m.weight!.dtype).toBe('float32');
    expect(m.weight!.requiresGrad).toBe(true);
    expect(() => m.to('int32')).toThrow(/Module.to: expected a device \('cpu', 'webgpu'\) or a floating dtype, got 'int32'/);
  });

  it('containers give access by key and index and print as PyTorch', () => {
    const net = new Net();
    expect(net.blocks.keys()).toEqual(['a', 'b']);
    expect(net.blocks.has('a')).toBe(true);
    expect(net.scales.length).toBe(2);
    expect(net.scales.at(-1).shape).toEqual([2]);
    expect(net.extra.get('u').shape).toEqual([2]);
    expect(String(net.scales)).toBe(
      'ParameterList(\n  (0): Parameter containing: [torch.float32 of size 3]\n  (1): Parameter containing: [torch.float32 of size 2]\n)',
    );
    const pl = new nn.ParameterList([torch.zeros([2, 2])]);
    expect(pl.at(0).requiresGrad).toBe(true);
    expect(() => net.blocks.get('c')).toThrow(/ModuleDict: no module under key 'c' \(keys: a, b\)/);
    expect(() => new nn.ModuleDict({ keys: new nn.ReLU() })).toThrow(/ModuleDict: key 'keys' is the name of a ModuleDict method/);
    expect(() => new nn.ModuleDict({ 'a.b': new nn.ReLU() })).toThrow(/keys must be non-empty strings without '\.'/);
    expect(() => net.registerBuffer('x', net.scales.at(0))).toThrow(/registerBuffer: 'x' is a parameter/);
    expect(() => net.blocks.forward()).toThrow(/ModuleDict has no forward/);
  });
});
