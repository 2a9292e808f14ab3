/** nn.init on every device: fills in place, returns the tensor, records no autograd, with PyTorch's scales. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { nn, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose } from '../testing/nested-close';

const devices = await testDevices();

async function stats(x: Tensor): Promise<{ mean: number; std: number; min: number; max: number }> {
  const v = Array.from(await x.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

interface StatCase {
  name: string;
  shape: number[];
  run: (t: Tensor) => Tensor;
  std: number;
  /** The bound of the values, where they have one. */
  bound?: number;
}

// Fans of [64, 32, 3, 3]: in 288, out 576.
const statCases: StatCase[] = [
  { name: 'xavierUniform_', shape: [64, 32, 3, 3], run: (t) => nn.init.xavierUniform_(t), std: Math.sqrt(2 / 864), bound: Math.sqrt(6 / 864) },
  { name: 'xavierNormal_ with gain', shape: [64, 32, 3, 3], run: (t) => nn.init.xavierNormal_(t, 2), std: 2 * Math.sqrt(2 / 864) },
  {
    name: 'kaimingUniform_ relu fan_in',
    shape: [64, 32, 3, 3],
    run: (t) => nn.init.kaimingUniform_(t, { nonlinearity: 'relu' }),
    std: Math.sqrt(2 / 288),
    bound: Math.sqrt(6 / 288),
  },
  { name: 'kaimingNormal_ positional fan_out', shape: [64, 32, 3, 3], run: (t) => nn.init.kaimingNormal_(t, 0, 'fan_out', 'relu'), std: Math.sqrt(2 / 576) },
  { name: 'normal_', shape: [100, 200], run: (t) => nn.init.normal_(t, 0, 0.5), std: 0.5 },
  { name: 'uniform_', shape: [100, 200], run: (t) => nn.init.uniform_(t, -3, 3), std: Math.sqrt(3), bound: 3 },
  // The standard normal truncated to [-2, 2] has std 0.8796.
  { name: 'truncNormal_', shape: [100, 200], run: (t) => nn.init.truncNormal_(t), std: 0.8796, bound: 2 },
];

describe.each(devices)('nn.init on %s', (device: Device) => {
  it.each(statCases)('$name: in place, returns the tensor, std as PyTorch', async ({ shape, run, std, bound }) => {
    torch.manualSeed(3);
    const w = torch.zeros(shape, { device, requiresGrad: true });
    const out = run(w);
    expect(out).toBe(w);
    expect(w.requiresGrad).toBe(true);
    expect(w.gradFn).toBeNull();
    const s = await stats(w);
    expect(Math.abs(s.mean)).toBeLessThan(0.05 * std + 0.01);
    expect(Math.abs(s.std / std - 1)).toBeLessThan(0.05);
    if (bound !== undefined) {
      expect(s.max).toBeLessThanOrEqual(bound);
      expect(s.min).toBeGreaterThanOrEqual(-bound);
    }
  });

  it('constant_, zeros_, ones_, eye_', async () => {
    const w = torch.zeros([2, 3], { device, requiresGrad: true });
    expectClose(await nn.init.constant_(w, 0.5).tolist(), [
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
    expectClose(await nn.init.ones_(w).tolist(), [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expectClose(await nn.init.eye_(w).tolist(), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expectClose(await nn.init.zeros_(w).tolist(), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(w.gradFn).toBeNull();
  });

  it.each([
    [3, 5],
    [5, 3],
  ])('orthogonal_ %i x %i: orthonormal rows or columns, times gain', async (rows, cols) => {
    const w = nn.init.orthogonal_(torch.zeros([rows, cols], { device }), 2);
    const gram = rows < cols ? w.matmul(w.t()) : w.t().matmul(w);
    const n = Math.min(rows, cols);
    const want = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 4 : 0)));
    const got = (await gram.tolist()) as number[][];
    got.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want[i][j])).toBeLessThan(1e-4)));
  });

  it('reaches modules through apply', async () => {
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU()).to(device);
    m.apply((mod) => {
      if (mod instanceof nn.Linear) {
        nn.init.constant_(mod.weight, 0.25);
        nn.init.zeros_(mod.bias!);
      }
    });
    expectClose(await (m.forward(torch.tensor([[1, 3]], { device })) as Tensor).tolist(), [[1, 1]]);
  });

  it.each([
    { name: 'fans of a 1-d tensor', run: (d: Device) => nn.init.xavierUniform_(torch.zeros([3], { device: d })), message: 'fewer than 2 dimensions' },
    { name: 'unknown nonlinearity', run: () => nn.init.calculateGain('swish' as never), message: "unsupported nonlinearity 'swish'" },
    { name: 'bad mode', run: (d: Device) => nn.init.kaimingUniform_(torch.zeros([2, 2], { device: d }), { mode: 'fan' as never }), message: 'mode must be' },
    { name: 'eye_ of 3-d', run: (d: Device) => nn.init.eye_(torch.zeros([2, 2, 2], { device: d })), message: 'only 2-d tensors' },
    { name: 'int tensor', run: (d: Device) => nn.init.normal_(torch.zeros([2], { device: d, dtype: 'int32' })), message: 'expected a floating tensor' },
    { name: 'not a tensor', run: () => nn.init.zeros_(3 as never), message: 'expected a tensor' },
    { name: 'uniform_ a > b', run: (d: Device) => nn.init.uniform_(torch.zeros([2], { device: d }), 1, 0), message: 'a (1) must not be greater than b (0)' },
  ])('error: $name', ({ run, message }) => {
    expect(() => run(device)).toThrow(message);
  });
});

describe('nn.init.calculateGain', () => {
  it.each([
    ['linear', undefined, 1],
    ['sigmoid', undefined, 1],
    ['tanh', undefined, 5 / 3],
    ['relu', undefined, Math.SQRT2],
    ['leaky_relu', undefined, Math.sqrt(2 / (1 + 0.01 ** 2))],
    ['leaky_relu', 0.2, Math.sqrt(2 / 1.04)],
    ['selu', undefined, 0.75],
  ] as const)('%s (%s)', (name, param, want) => {
    expect(nn.init.calculateGain(name, param)).toBeCloseTo(want, 12);
  });
});
