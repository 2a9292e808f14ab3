/** Activations (F and nn forms) on every device: values, gradients at PyTorch's kinks, errors, and module reprs. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { F, nn, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, t } from '../testing/nested-close';

const devices = await testDevices();

const X = [-100, -30, -2, -0.5, 0, 0.5, 0.8, 2, 30, 100];
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const sp = (v: number) => (v > 20 ? v : Math.log1p(Math.exp(v)));
const SA = 1.6732632423543772;
const SS = 1.0507009873554805;

interface Case {
  name: string;
  run: (x: Tensor) => Tensor;
  value: (v: number) => number;
  /** The gradient PyTorch gives at each of X. */
  grad: (v: number) => number;
}

const cases: Case[] = [
  { name: 'elu (grad alpha at 0)', run: (x) => F.elu(x, 0.7), value: (v) => (v > 0 ? v : 0.7 * Math.expm1(v)), grad: (v) => (v > 0 ? 1 : 0.7 * Math.exp(v)) },
  { name: 'selu', run: (x) => F.selu(x), value: (v) => SS * (v > 0 ? v : SA * Math.expm1(v)), grad: (v) => SS * (v > 0 ? 1 : SA * Math.exp(v)) },
  {
    name: 'mish (no NaN gradient at large |x|)',
    run: (x) => F.mish(x),
    value: (v) => v * Math.tanh(sp(v)),
    grad: (v) => Math.tanh(sp(v)) + v * (1 - Math.tanh(sp(v)) ** 2) * sig(v),
  },
  {
    name: 'hardtanh (zero gradient at the bounds)',
    run: (x) => F.hardtanh(x, -0.5, 0.8),
    value: (v) => Math.min(Math.max(v, -0.5), 0.8),
    grad: (v) => (v > -0.5 && v < 0.8 ? 1 : 0),
  },
  { name: 'logsigmoid (stable)', run: (x) => F.logsigmoid(x), value: (v) => -sp(-v), grad: (v) => sig(-v) },
  {
    name: 'softplus beta/threshold (linear above)',
    run: (x) => F.softplus(x, { beta: 2, threshold: 3 }),
    value: (v) => (2 * v > 3 ? v : Math.log1p(Math.exp(2 * v)) / 2),
    grad: (v) => (2 * v > 3 ? 1 : sig(2 * v)),
  },
  { name: 'leakyRelu (slope at 0)', run: (x) => F.leakyRelu(x, 0.2), value: (v) => (v > 0 ? v : 0.2 * v), grad: (v) => (v > 0 ? 1 : 0.2) },
  { name: 'silu', run: (x) => F.silu(x), value: (v) => v * sig(v), grad: (v) => sig(v) * (1 + v * (1 - sig(v))) },
];

describe.each(devices)('activations on %s', (device: Device) => {
  it.each(cases)('$name', async ({ run, value, grad }) => {
    const x = t(device, X, true);
    const y = run(x);
    expectClose(await y.tolist(), X.map(value));
    y.sum().backward();
    expectClose(await x.grad!.tolist(), X.map(grad));
  });

  it('glu halves a dim: a * sigmoid(b), with both gradients', async () => {
    const x = t(device, [[1, -2, 0.5, 3]], true);
    const y = F.glu(x, 1);
    expectClose(await y.tolist(), [[1 * sig(0.5), -2 * sig(3)]]);
    y.sum().backward();
    expectClose(await x.grad!.tolist(), [[sig(0.5), sig(3), sig(0.5) * (1 - sig(0.5)), -2 * sig(3) * (1 - sig(3))]]);
  });

  it('modules match their functions', async () => {
    const x = t(device, [[-1, 0.3, 2]]);
    const pairs: [nn.Module, Tensor][] = [
      [new nn.Identity(54, { unused: true }), x],
      [new nn.SiLU(), F.silu(x)],
      [new nn.Mish(), F.mish(x)],
      [new nn.LeakyReLU(0.1), F.leakyRelu(x, 0.1)],
      [new nn.ELU(0.5), F.elu(x, 0.5)],
      [new nn.Hardtanh(-0.5, 0.5), F.hardtanh(x, -0.5, 0.5)],
      [new nn.Softplus({ beta: 2 }), F.softplus(x, { beta: 2 })],
      [new nn.Softplus(2, 1), F.softplus(x, { beta: 2, threshold: 1 })],
      [new nn.Softmax(-1), F.softmax(x, -1)],
      [new nn.Softmax(), F.softmax(x, 1)],
      [new nn.LogSoftmax(1), F.logSoftmax(x, 1)],
    ];
    for (const [m, want] of pairs) expectClose(await (m.forward(x) as Tensor).tolist(), (await want.tolist()) as number[][]);
  });

  it.each([
    { name: 'glu odd size', run: (d: Device) => F.glu(t(d, [1, 2, 3])), message: 'needs an even size, got 3' },
    { name: 'glu scalar', run: (d: Device) => F.glu(t(d, 1)), message: 'glu does not support scalars' },
    { name: 'glu bad dim', run: (d: Device) => F.glu(t(d, [[1, 2]]), 2), message: 'glu' },
    { name: 'hardtanh min > max', run: (d: Device) => F.hardtanh(t(d, [1]), 1, 0), message: 'minVal (1) must not be greater than maxVal (0)' },
    { name: 'Hardtanh min > max', run: () => new nn.Hardtanh(2, 1), message: 'minVal (2) must not be greater than maxVal (1)' },
    { name: 'elu of int32', run: (d: Device) => F.elu(t(d, [1]).int()), message: 'expected a floating tensor, got int32' },
    { name: 'ELU alpha NaN', run: () => new nn.ELU(NaN), message: 'alpha must be a number' },
  ])('error: $name', ({ run, message }) => {
    expect(() => run(device)).toThrow(message);
  });
});

describe('activation module reprs (as PyTorch prints them)', () => {
  it.each([
    [new nn.Identity(), 'Identity()'],
    [new nn.SiLU(), 'SiLU()'],
    [new nn.Mish(), 'Mish()'],
    [new nn.LeakyReLU(), 'LeakyReLU(negative_slope=0.01)'],
    [new nn.LeakyReLU(0.2), 'LeakyReLU(negative_slope=0.2)'],
    [new nn.ELU(), 'ELU(alpha=1.0)'],
    [new nn.Hardtanh(), 'Hardtanh(min_val=-1.0, max_val=1.0)'],
    [new nn.Hardtanh(-0.3, 1.5), 'Hardtanh(min_val=-0.3, max_val=1.5)'],
    [new nn.Softplus(), 'Softplus(beta=1.0, threshold=20.0)'],
    [new nn.Softmax(1), 'Softmax(dim=1)'],
    [new nn.Softmax(), 'Softmax(dim=None)'],
    [new nn.LogSoftmax(-1), 'LogSoftmax(dim=-1)'],
  ] as const)('%s', (m, want) => {
    expect(String(m)).toBe(want);
  });
});
