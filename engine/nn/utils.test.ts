/** nn.utils: gradient clipping and parameter vectors, on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { nn, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, t, type Nested } from '../testing/nested-close';

const devices = await testDevices();

/** Two leaves with the given gradients. */
function withGrads(d: Device, g1: Nested, g2: Nested): Tensor[] {
  return [g1, g2].map((g) => {
    const p = t(d, g, true);
    p.grad = t(d, g);
    return p;
  });
}

interface ClipCase {
  name: string;
  run: (ps: Tensor[]) => Tensor | void;
  g1: Nested;
  g2: Nested;
  /** The total norm returned (clipGradNorm_ only). */
  total?: number;
  want: [Nested, Nested];
}

const s = 5 / (13 + 1e-6);
const clipCases: ClipCase[] = [
  { name: '2-norm over the limit scales', run: (ps) => nn.utils.clipGradNorm_(ps, 5), g1: [3, 4], g2: [12], total: 13, want: [[3 * s, 4 * s], [12 * s]] },
  { name: '2-norm under the limit is a no-op', run: (ps) => nn.utils.clipGradNorm_(ps, 20), g1: [3, 4], g2: [12], total: 13, want: [[3, 4], [12]] },
  {
    name: 'inf norm',
    run: (ps) => nn.utils.clipGradNorm_(ps, 6, { normType: Infinity }),
    g1: [3, -12],
    g2: [4],
    total: 12,
    want: [[3 * (6 / (12 + 1e-6)), -12 * (6 / (12 + 1e-6))], [4 * (6 / (12 + 1e-6))]],
  },
  { name: '1-norm', run: (ps) => nn.utils.clipGradNorm_(ps, 100, { normType: 1 }), g1: [3, -4], g2: [5], total: 12, want: [[3, -4], [5]] },
  { name: 'a single tensor', run: (ps) => nn.utils.clipGradNorm_(ps[0], 2.5), g1: [3, 4], g2: [1], total: 5, want: [[1.5, 2], [1]] },
  { name: 'clipGradValue_', run: (ps) => nn.utils.clipGradValue_(ps, 2), g1: [3, -4], g2: [1.5], want: [[2, -2], [1.5]] },
];

describe.each(devices)('nn.utils on %s', (device) => {
  it.each(clipCases)('$name', async ({ run, g1, g2, total, want }) => {
    const ps = withGrads(device, g1, g2);
    const out = run(ps);
    if (total !== undefined) {
      expect(out).toBeDefined();
      expect(out!.shape).toEqual([]);
      expectClose(await out!.item(), total, 'total');
    }
    expectClose(await ps[0].grad!.tolist(), want[0], 'g1');
    expectClose(await ps[1].grad!.tolist(), want[1], 'g2');
  });

  it('clipGradNorm_ skips parameters without gradients and takes module.parameters()', async () => {
    const m = new nn.Linear(2, 1).to(device);
    m.weight.grad = t(device, [[6, 8]]);
    const total = nn.utils.clipGradNorm_(m.parameters(), 1);
    expectClose(await total.item(), 10);
    expectClose(await m.weight.grad.tolist(), [[0.6 * (10 / (10 + 1e-6)), 0.8 * (10 / (10 + 1e-6))]]);
    expect(m.bias!.grad).toBeNull();
    expectClose(await nn.utils.clipGradNorm_([], 1).item(), 0);
  });

  it.each([2, Infinity])('clipGradNorm_ (p = %s) reads non-contiguous gradients and skips empty ones', async (normType) => {
    const a = t(
      device,
      [
        [0, 0],
        [0, 0],
      ],
      true,
    );
    a.grad = t(device, [
      [3, 4],
      [0, 0],
    ]).t();
    const b = torch.zeros([0], { device, requiresGrad: true });
    b.grad = torch.zeros([0], { device });
    const total = nn.utils.clipGradNorm_([a, b], 1, { normType });
    const n = normType === 2 ? 5 : 4;
    expectClose(await total.item(), n);
    const s = 1 / (n + 1e-6);
    expectClose(await a.grad.tolist(), [
      [3 * s, 0],
      [4 * s, 0],
    ]);
  });

  it('clipGradNorm_ records no autograd', () => {
    const [p] = withGrads(device, [3, 4], [1]);
    p.grad!.requiresGrad = false;
    expect(nn.utils.clipGradNorm_([p], 1).requiresGrad).toBe(false);
  });

  it('parametersToVector and vectorToParameters round-trip', async () => {
    const a = t(
      device,
      [
        [1, 2],
        [3, 4],
      ],
      true,
    );
    const b = t(device, [5], true);
    const v = nn.utils.parametersToVector([a, b]);
    expectClose(await v.tolist(), [1, 2, 3, 4, 5]);
    v.mul(2).sum().backward();
    expectClose(await a.grad!.tolist(), [
      [2, 2],
      [2, 2],
    ]);
    nn.utils.vectorToParameters(t(device, [9, 8, 7, 6, 5]), new Set([a, b]));
    expectClose(await a.tolist(), [
      [9, 8],
      [7, 6],
    ]);
    expectClose(await b.tolist(), [5]);
  });

  it.each([
    { name: 'maxNorm not a number', run: (d: Device) => nn.utils.clipGradNorm_(withGrads(d, [1], [1]), NaN), message: 'maxNorm must be a number' },
    { name: 'bad normType', run: (d: Device) => nn.utils.clipGradNorm_(withGrads(d, [1], [1]), 1, { normType: 'x' as never }), message: 'normType' },
    { name: 'not tensors', run: () => nn.utils.clipGradValue_([1 as never], 1), message: 'item 0 is not a tensor' },
    { name: 'not iterable', run: () => nn.utils.parametersToVector(3 as never), message: 'expected a tensor, an array or an iterable' },
    {
      name: 'vector size',
      run: (d: Device) => nn.utils.vectorToParameters(t(d, [1, 2]), [t(d, [1])]),
      message: 'the vector has 2 elements but the parameters hold 1',
    },
    { name: 'vector not 1-d', run: (d: Device) => nn.utils.vectorToParameters(t(d, [[1]]), [t(d, [1])]), message: 'expected a 1-d vector' },
  ])('error: $name', ({ run, message }) => {
    expect(() => run(device)).toThrow(message);
  });

  it('errorIfNonfinite throws on a non-finite norm (cpu) or says why it cannot (webgpu)', () => {
    const ps = withGrads(device, [Infinity], [1]);
    expect(() => nn.utils.clipGradNorm_(ps, 1, { errorIfNonfinite: true })).toThrow(device === 'cpu' ? 'non-finite' : 'asynchronously');
  });
});
