/**
 * In-place ops on every device: their values against the out-of-place ops, that they write into
 * the tensor's own storage in one kernel when nothing is recorded (through views too), PyTorch's
 * autograd rules (gradients through in-place writes and views against out-of-place programs),
 * and the errors for what PyTorch refuses.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { getBackend } from '../core/runtime';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, it32, t, type Nested } from '../testing/nested-close';

const devices = await testDevices();
const X = [
  [0.5, -1.5, 2.0, -0.25],
  [1.25, 0.75, -2.5, 3.0],
  [-0.5, 1.0, 0.25, -1.0],
];
const B = [0.5, -2.0, 1.5, 4.0];
const MASK = [
  [true, false, false, true],
  [false, true, false, false],
  [true, true, false, false],
];

interface ValueCase {
  name: string;
  /** The op's operands, made before the op runs (so counting its kernels counts only the op's). */
  args: (d: Device) => (Tensor | number)[];
  /** The in-place op on a fresh tensor (it must return that tensor). */
  inPlace: (x: Tensor, a: (Tensor | number)[]) => Tensor;
  /** The same values computed out of place. */
  outOfPlace: (x: Tensor, a: (Tensor | number)[]) => Tensor;
}

type A = (Tensor | number)[];
const T = (a: A, k: number) => a[k] as Tensor;
const N = (a: A, k: number) => a[k] as number;

const valueCases: ValueCase[] = [
  { name: 'add_ tensor (broadcast)', args: (d) => [t(d, B)], inPlace: (x, a) => x.add_(T(a, 0)), outOfPlace: (x, a) => x.add(T(a, 0)) },
  { name: 'add_ number', args: () => [2], inPlace: (x, a) => x.add_(N(a, 0)), outOfPlace: (x, a) => x.add(N(a, 0)) },
  { name: 'sub_', args: (d) => [t(d, B)], inPlace: (x, a) => x.sub_(T(a, 0)), outOfPlace: (x, a) => x.sub(T(a, 0)) },
  { name: 'mul_', args: () => [-3], inPlace: (x, a) => x.mul_(N(a, 0)), outOfPlace: (x, a) => x.mul(N(a, 0)) },
  { name: 'div_', args: (d) => [t(d, B)], inPlace: (x, a) => x.div_(T(a, 0)), outOfPlace: (x, a) => x.div(T(a, 0)) },
  { name: 'pow_', args: () => [2], inPlace: (x, a) => x.pow_(N(a, 0)), outOfPlace: (x, a) => x.pow(N(a, 0)) },
  { name: 'clamp_ numbers', args: () => [-1, 1], inPlace: (x, a) => x.clamp_(N(a, 0), N(a, 1)), outOfPlace: (x, a) => x.clamp(N(a, 0), N(a, 1)) },
  { name: 'clamp_ min only', args: () => [0], inPlace: (x, a) => x.clamp_(N(a, 0)), outOfPlace: (x, a) => x.clamp(N(a, 0)) },
  {
    name: 'clamp_ tensor bounds',
    args: (d) => [t(d, B).neg(), t(d, B).abs()],
    inPlace: (x, a) => x.clamp_(T(a, 0), T(a, 1)),
    outOfPlace: (x, a) => x.clamp(T(a, 0), T(a, 1)),
  },
  { name: 'zero_', args: () => [], inPlace: (x) => x.zero_(), outOfPlace: (x) => x.mul(0) },
  { name: 'fill_ number', args: () => [2.5], inPlace: (x, a) => x.fill_(N(a, 0)), outOfPlace: (x) => x.mul(0).add(2.5) },
  { name: 'fill_ 0-d tensor', args: (d) => [torch.tensor(-4, { device: d })], inPlace: (x, a) => x.fill_(T(a, 0)), outOfPlace: (x) => x.mul(0).add(-4) },
  { name: 'copy_ broadcast', args: (d) => [t(d, B)], inPlace: (x, a) => x.copy_(T(a, 0)), outOfPlace: (_x, a) => T(a, 0).expand([3, 4]).contiguous() },
  {
    name: 'copy_ converts int32',
    args: (d) => [it32(d, [1, 2, 3, 4])],
    inPlace: (x, a) => x.copy_(T(a, 0)),
    outOfPlace: (_x, a) => T(a, 0).float().expand([3, 4]),
  },
  { name: 'exp_', args: () => [], inPlace: (x) => x.exp_(), outOfPlace: (x) => x.exp() },
  { name: 'relu_', args: () => [], inPlace: (x) => x.relu_(), outOfPlace: (x) => x.relu() },
  { name: 'tanh_', args: () => [], inPlace: (x) => x.tanh_(), outOfPlace: (x) => x.tanh() },
  { name: 'sigmoid_', args: () => [], inPlace: (x) => x.sigmoid_(), outOfPlace: (x) => x.sigmoid() },
  { name: 'neg_', args: () => [], inPlace: (x) => x.neg_(), outOfPlace: (x) => x.neg() },
  { name: 'maskedFill_', args: (d) => [t(d, MASK)], inPlace: (x, a) => x.maskedFill_(T(a, 0), -7), outOfPlace: (x, a) => x.maskedFill(T(a, 0), -7) },
  {
    name: 'scatterAdd_',
    args: (d) => [
      it32(d, [[2, 0, 1, 2]]),
      t(d, [[1, 2, 3, 4]]),
      t(d, [
        [0, 2, 0, 0],
        [0, 0, 3, 0],
        [1, 0, 0, 4],
      ]),
    ],
    inPlace: (x, a) => x.scatterAdd_(0, T(a, 0), T(a, 1)),
    outOfPlace: (x, a) => x.add(T(a, 2)),
  },
  {
    name: 'indexAdd_ with a repeated index',
    args: (d) => [
      it32(d, [2, 0, 2]),
      t(d, [
        [1, 1, 1, 1],
        [2, 2, 2, 2],
        [3, 3, 3, 3],
      ]),
      t(d, [
        [2, 2, 2, 2],
        [0, 0, 0, 0],
        [4, 4, 4, 4],
      ]),
    ],
    inPlace: (x, a) => x.indexAdd_(0, T(a, 0), T(a, 1)),
    outOfPlace: (x, a) => x.add(T(a, 2)),
  },
  {
    name: 'scatter_ a tensor',
    args: (d) => [it32(d, [[3], [0], [1]]), t(d, [[9], [8], [7]])],
    inPlace: (x, a) => x.scatter_(1, T(a, 0), T(a, 1)),
    outOfPlace: (x, a) => x.scatter(1, T(a, 0), T(a, 1)),
  },
  {
    name: 'scatter_ a number',
    args: (d) => [it32(d, [[0, 2]])],
    inPlace: (x, a) => x.scatter_(0, T(a, 0), -1),
    outOfPlace: (x, a) => x.scatter(0, T(a, 0), -1),
  },
];

/** In-place ops whose no-grad path is more than one kernel, by design: their values against the out-of-place op. */
const composedCases: ValueCase[] = [
  {
    name: 'indexPut_ rows',
    args: (d) => [
      it32(d, [2, 0]),
      t(d, [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ]),
    ],
    inPlace: (x, a) => x.indexPut_([T(a, 0)], T(a, 1)),
    outOfPlace: (x, a) => x.indexPut([T(a, 0)], T(a, 1)),
  },
  {
    name: 'indexPut_ accumulate with repeats',
    args: (d) => [it32(d, [1, 1, 2]), it32(d, [0, 0, 3]), t(d, [1, 2, 3])],
    inPlace: (x, a) => x.indexPut_([T(a, 0), T(a, 1)], T(a, 2), { accumulate: true }),
    outOfPlace: (x) =>
      x.add(
        torch.tensor(
          [
            [0, 0, 0, 0],
            [3, 0, 0, 0],
            [0, 0, 0, 3],
          ],
          { device: x.device },
        ),
      ),
  },
  { name: 'indexPut_ through a mask', args: (d) => [t(d, MASK)], inPlace: (x, a) => x.indexPut_([T(a, 0)], 0), outOfPlace: (x, a) => x.maskedFill(T(a, 0), 0) },
  {
    name: 'x[x > 0] = 0 with the mask computed on the device',
    args: () => [],
    inPlace: (x) => x.indexPut_(x.gt(0), 0),
    outOfPlace: (x) => x.minimum(0),
  },
  {
    name: 'x[rowMask] += 1 with a mask over the leading dim',
    args: (d) => [t(d, [true, false, true])],
    inPlace: (x, a) => x.indexPut_([T(a, 0)], 1, { accumulate: true }),
    outOfPlace: (x) => x.add(torch.tensor([[1], [0], [1]], { device: x.device })),
  },
];

/** Views written in place: the write must land in the base (`base` is what the test reads back). */
const viewCases: { name: string; write: (x: Tensor) => void; want: (x: Tensor) => Tensor }[] = [
  {
    name: "index('0, 1:3').fill_",
    write: (x) => x.index('0, 1:3').fill_(5),
    want: (x) =>
      x.maskedFill(
        torch.tensor(
          [
            [false, true, true, false],
            [false, false, false, false],
            [false, false, false, false],
          ],
          { device: x.device },
        ),
        5,
      ),
  },
  { name: 't().add_', write: (x) => x.t().add_(1), want: (x) => x.add(1) },
  { name: 'narrow().mul_', write: (x) => x.narrow(1, 1, 2).mul_(10), want: (x) => x.mul(torch.tensor([1, 10, 10, 1], { device: x.device })) },
  { name: "index('::2').zero_ (strided rows)", write: (x) => x.index('::2').zero_(), want: (x) => x.mul(torch.tensor([[0], [1], [0]], { device: x.device })) },
];

describe.each(devices)('in place on %s', (d) => {
  it.each(valueCases)('$name: values as the out-of-place op, and returns the tensor', async ({ args, inPlace, outOfPlace }) => {
    const a = args(d);
    const x = t(d, X);
    const want = await outOfPlace(t(d, X), a).tolist();
    const returned = inPlace(x, a);
    expect(returned).toBe(x);
    expectClose(await x.tolist(), want as Nested);
  });

  it.each(valueCases)('$name: one kernel into the same storage when nothing is recorded', ({ args, inPlace }) => {
    const a = args(d);
    const x = t(d, X);
    const storage = x.storageRef.storage;
    const backend = getBackend(d);
    const before = backend.kernelCount;
    inPlace(x, a);
    expect(backend.kernelCount - before).toBe(1);
    expect(x.storageRef.storage).toBe(storage);
  });

  it.each(composedCases)('$name: values as the out-of-place op, same storage', async ({ args, inPlace, outOfPlace }) => {
    const a = args(d);
    const x = t(d, X);
    const storage = x.storageRef.storage;
    const want = await outOfPlace(t(d, X), a).tolist();
    expect(inPlace(x, a)).toBe(x);
    expect(x.storageRef.storage).toBe(storage);
    expectClose(await x.tolist(), want as Nested);
  });

  it('uniform_ and normal_ fill in place from a generator: same seed, same values; statistics', async () => {
    const draw = (kind: 'uniform' | 'normal') => {
      const g = new torch.Generator().manualSeed(7);
      const x = torch.zeros([4000], { device: d });
      const storage = x.storageRef.storage;
      const out = kind === 'uniform' ? x.uniform_(-2, 2, { generator: g }) : x.normal_(3, 0.5, { generator: g });
      expect(out).toBe(x);
      expect(x.storageRef.storage).toBe(storage);
      return x;
    };
    const u = draw('uniform');
    expectClose(await u.tolist(), (await draw('uniform').tolist()) as Nested);
    const uv = Array.from(await u.data());
    expect(Math.min(...uv)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...uv)).toBeLessThan(2);
    expect(Math.abs((await u.mean().item()) as number)).toBeLessThan(0.1);
    const n = draw('normal');
    expect(Math.abs(((await n.mean().item()) as number) - 3)).toBeLessThan(0.05);
    expect(Math.abs(((await n.std().item()) as number) - 0.5)).toBeLessThan(0.05);
  });

  it.each(viewCases)('$name writes through the view into its base, one kernel, no copy', async ({ write, want }) => {
    const x = t(d, X);
    const expected = await want(t(d, X)).tolist();
    const storage = x.storageRef.storage;
    const backend = getBackend(d);
    const before = backend.kernelCount;
    write(x);
    expect(backend.kernelCount - before).toBe(1);
    expect(x.storageRef.storage).toBe(storage);
    expectClose(await x.tolist(), expected as Nested);
  });

  it('bumps the version counter shared by views and detached tensors', () => {
    const x = t(d, X);
    const v = x.index('1');
    const detached = x.detach();
    const start = x.storageRef.version;
    v.mul_(2);
    detached.add_(1);
    expect(x.storageRef.version).toBe(start + 2);
    expect(v.storageRef.version).toBe(x.storageRef.version);
  });

  it('a sibling view sees the write', async () => {
    const x = t(d, X);
    const col = x.index(':, 1');
    x.index('1:').mul_(2);
    expectClose(await col.tolist(), [-1.5, 1.5, 2.0]);
  });
});
