/** nn.Module behaviour: the tree, printing as PyTorch prints, state dicts, and bad calls. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { nn, optim, torch, Tensor, F } from '../index';
import { testDevices } from '../testing/devices';

let devices: Device[] = ['cpu'];
beforeAll(async () => {
  devices = await testDevices();
}, 60_000);

class Net extends nn.Module {
  features = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten());
  head = new nn.Sequential(new nn.Linear(64, 32), new nn.GELU(), new nn.Dropout(0.1), new nn.Linear(32, 10));
  norm = new nn.LayerNorm(10);
  override forward(x: Tensor) {
    return this.norm(this.head(this.features(x)));
  }
}

// What PyTorch 2.x prints for the same model (`print(Net())`).
const NET_REPR = `Net(
  (features): Sequential(
    (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (1): ReLU()
    (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    (3): Flatten(start_dim=1, end_dim=-1)
  )
  (head): Sequential(
    (0): Linear(in_features=64, out_features=32, bias=True)
    (1): GELU(approximate='none')
    (2): Dropout(p=0.1, inplace=False)
    (3): Linear(in_features=32, out_features=10, bias=True)
  )
  (norm): LayerNorm((10,), eps=1e-05, elementwise_affine=True)
)`;

describe('nn.Module', () => {
  it('prints a nested model as PyTorch does', () => {
    expect(String(new Net())).toBe(NET_REPR);
    expect(String(new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2), new nn.ReLU()]))).toBe(
      'ModuleList(\n  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n  (2): ReLU()\n)',
    );
    expect(String(new nn.Embedding(7, 3))).toBe('Embedding(7, 3)');
  });

  it('names parameters with dotted keys in declaration order', () => {
    const names = new Net().namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`);
    expect(names).toEqual([
      'features.0.weight:4x1x3x3',
      'features.0.bias:4',
      'head.0.weight:32x64',
      'head.0.bias:32',
      'head.3.weight:10x32',
      'head.3.bias:10',
      'norm.weight:10',
      'norm.bias:10',
    ]);
  });

  it('is callable, runs forward, and switches train/eval through the tree', async () => {
    for (const d of devices) {
      const net = new Net().to(d);
      const y = net(torch.randn([2, 1, 8, 8], { device: d }));
      expect(y.shape).toEqual([2, 10]);
      expect(y.device).toBe(d);
      net.eval();
      expect(net.modules().every((m) => !m.training)).toBe(true);
    }
  });

  it('initialises Linear within ±1/sqrt(fanIn)', async () => {
    torch.manualSeed(0);
    const w = await new nn.Linear(100, 50).weight.data();
    expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...Array.from(w, Math.abs))).toBeGreaterThan(0.09);
  });

  it('round-trips a state dict and refuses bad ones with the keys named', async () => {
    const a = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    const b = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    b.loadStateDict(a.stateDict());
    expect(await (b.at(0) as nn.Linear).weight.tolist()).toEqual(await (a.at(0) as nn.Linear).weight.tolist());
    const sd = a.stateDict();
    expect(() => b.loadStateDict({ ...sd, extra: torch.zeros([1]) })).toThrow(/loadStateDict: unexpected keys: extra/);
    const { ['2.bias']: _dropped, ...missing } = sd;
    void _dropped;
    expect(() => b.loadStateDict(missing)).toThrow(/loadStateDict: missing keys: 2.bias/);
    expect(() => b.loadStateDict({ ...sd, '0.weight': torch.zeros([3, 3]) })).toThrow(/size mismatch for '0.weight': got \[3, 3\], the module has \[3, 2\]/);
  });

  it('refuses an optimizer with no parameters', () => {
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow(/SGD: optimizer got an empty parameter list/);
  });
});

describe('autograd errors', () => {
  it('backward on a non-scalar needs a gradient', () => {
    const x = torch.ones([2, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/backward: grad can be created implicitly only for scalar outputs; this output has shape \[2, 2\]/);
  });

  it('backward twice through a freed graph is an error', () => {
    const x = torch.ones([2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
  });

  it('gradients flow through views and broadcasting', async () => {
    for (const d of devices) {
      const x = torch.tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { device: d, requiresGrad: true },
      );
      x.t()
        .index('1:, :')
        .mul(torch.tensor([10, 100], { device: d }))
        .sum()
        .backward();
      expect(await x.grad!.tolist()).toEqual([
        [0, 10, 10],
        [0, 100, 100],
      ]);
      const w = torch.ones([3], { device: d, requiresGrad: true });
      F.relu(x.detach().sub(2)).mul(w).sum().backward();
      expect(await w.grad!.tolist()).toEqual([2, 3, 5]);
    }
  });
});
