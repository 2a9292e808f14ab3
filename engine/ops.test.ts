/** Eager op semantics, as a table of cases run on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from './core/dtype';
import { torch, type Tensor } from './index';
import { testDevices } from './testing/devices';

const devices = await testDevices();
const noWebgpu = !devices.includes('webgpu');

/** A nested list of `n` values 0..n-1 shaped like `shape`, built on `device`. */
function range(shape: number[], device: Device): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n, undefined, 1, { device, dtype: 'float32' }).reshape(shape);
}

interface ValueCase {
  name: string;
  run: (d: Device) => Tensor;
  want: unknown;
  dtype?: string;
}

const valueCases: ValueCase[] = [
  {
    name: 'add broadcasts a column against a row',
    run: (d) => range([3, 1], d).add(range([1, 2], d)),
    want: [
      [0, 1],
      [1, 2],
      [2, 3],
    ],
  },
  { name: 'int tensor plus an integer stays int32', run: (d) => torch.arange(3, undefined, 1, { device: d }).add(2), want: [2, 3, 4], dtype: 'int32' },
  {
    name: 'int tensor plus a fraction becomes float32',
    run: (d) => torch.arange(3, undefined, 1, { device: d }).add(0.5),
    want: [0.5, 1.5, 2.5],
    dtype: 'float32',
  },
  { name: 'int tensor divided gives float32', run: (d) => torch.arange(3, undefined, 1, { device: d }).div(2), want: [0, 0.5, 1], dtype: 'float32' },
  { name: 'comparison gives bool', run: (d) => range([4], d).gt(1.5), want: [false, false, true, true], dtype: 'bool' },
  {
    name: 'ops read a transposed view in place',
    run: (d) => range([2, 3], d).transpose(0, 1).mul(2),
    want: [
      [0, 6],
      [2, 8],
      [4, 10],
    ],
  },
  {
    name: 'ops read a stepped slice',
    run: (d) => range([2, 6], d).index(':, 1::2').add(0),
    want: [
      [1, 3, 5],
      [7, 9, 11],
    ],
  },
  {
    name: 'flip copies in reverse',
    run: (d) => range([2, 3], d).flip(1),
    want: [
      [2, 1, 0],
      [5, 4, 3],
    ],
  },
  { name: 'sum of a permuted view over two dims', run: (d) => range([2, 3, 4], d).permute([2, 0, 1]).sum([0, 2]), want: [66, 210] },
  { name: 'long rows reduce by workgroup', run: (d) => torch.ones([3, 1000], { device: d }).sum(1), want: [1000, 1000, 1000] },
  { name: 'max over long rows', run: (d) => range([2, 300], d).max(1).values, want: [299, 599] },
  {
    name: 'argmax takes the first of ties',
    run: (d) =>
      torch
        .tensor(
          [
            [1, 3, 3],
            [2, 2, 0],
          ],
          { device: d },
        )
        .argmax(1),
    want: [1, 0],
    dtype: 'int32',
  },
  {
    name: 'cumsum along dim 0',
    run: (d) => range([3, 2], d).cumsum(0),
    want: [
      [0, 1],
      [2, 4],
      [6, 9],
    ],
  },
  { name: 'cumsum of bools counts', run: (d) => range([4], d).gt(0).cumsum(0), want: [0, 1, 2, 3], dtype: 'int32' },
  {
    name: 'matmul past one tile with a transposed operand',
    run: (d) =>
      range([70, 33], d)
        .div(100)
        .matmul(range([65, 33], d).div(100).t())
        .sum(),
    want: 18584285.72,
  },
  {
    name: 'batched matmul broadcasts batch dims',
    run: (d) =>
      range([2, 1, 2, 3], d)
        .matmul(range([3, 3, 1], d))
        .reshape([-1]),
    want: [5, 14, 14, 50, 23, 86, 23, 32, 86, 122, 149, 212],
  },
  {
    name: 'cat along dim 1 mixes int into float',
    run: (d) => torch.cat([range([2, 1], d), torch.ones([2, 2], { device: d, dtype: 'int32' })], 1),
    want: [
      [0, 1, 1],
      [1, 1, 1],
    ],
  },
  { name: 'stack then select', run: (d) => torch.stack([range([2], d), range([2], d).add(5)], 0).select(1, -1), want: [1, 6] },
  {
    name: 'repeat tiles',
    run: (d) => range([2], d).repeat([2, 2]),
    want: [
      [0, 1, 0, 1],
      [0, 1, 0, 1],
    ],
  },
  { name: 'where with scalars', run: (d) => torch.where(range([3], d).gt(0), 1, -1), want: [-1, 1, 1] },
  { name: 'log of negative is nan and of zero is -inf', run: (d) => torch.tensor([-1, 0, 1], { device: d }).log(), want: [NaN, -Infinity, 0] },
  {
    name: 'pow of negatives with integer exponents',
    run: (d) => torch.tensor([-2, -2, 0], { device: d }).pow(torch.tensor([3, 2, 0], { device: d })),
    want: [-8, 4, 1],
  },
  { name: 'gather with negative indices', run: (d) => range([2, 3], d).gather(1, torch.tensor([[-1], [0]], { device: d, dtype: 'int32' })), want: [[2], [3]] },
  { name: 'softmax is stable for huge logits', run: (d) => torch.tensor([1000, 1000], { device: d }).softmax(0), want: [0.5, 0.5] },
  { name: 'sum over an empty dim is zero', run: (d) => torch.zeros([0, 2], { device: d }).sum(0), want: [0, 0] },
];

describe('eager ops on every device', () => {
  for (const c of valueCases) {
    it(
      c.name,
      async () => {
        for (const d of devices) {
          const out = c.run(d);
          expect(out.device, `${c.name} on ${d}`).toBe(d);
          if (c.dtype) expect(out.dtype, `${c.name} on ${d}`).toBe(c.dtype);
          const got = await out.tolist();
          const flatGot = [got].flat(4) as number[];
          const flatWant = [c.want].flat(4) as number[];
          expect(flatGot.length, `${c.name} on ${d}`).toBe(flatWant.length);
          flatWant.forEach((w, i) => {
            const where = `${c.name} on ${d} [${i}]`;
            if (typeof w !== 'number' || !Number.isFinite(w)) expect(flatGot[i], where).toEqual(w);
            else expect(Math.abs(flatGot[i] - w), where).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(w));
          });
        }
      },
      60_000,
    );
  }
});

describe('views share storage where PyTorch makes views', () => {
  const viewOps: [string, (x: Tensor) => Tensor, boolean][] = [
    ['reshape of contiguous', (x) => x.reshape([3, 2]), true],
    ['view', (x) => x.view([-1]), true],
    ['permute', (x) => x.permute([1, 0]), true],
    ['transpose', (x) => x.transpose(0, 1), true],
    ['unsqueeze', (x) => x.unsqueeze(0), true],
    ['squeeze', (x) => x.unsqueeze(1).squeeze(1), true],
    ['flatten', (x) => x.flatten(), true],
    ['expand', (x) => x.narrow(0, 0, 1).expand([4, 3]), true],
    ['narrow', (x) => x.narrow(1, 1, 2), true],
    ['select', (x) => x.select(0, 1), true],
    ['index', (x) => x.index(':, ::2'), true],
    ['chunk', (x) => x.chunk(3, 1)[2], true],
    ['reshape of a transposed tensor copies', (x) => x.t().reshape([-1]), false],
    ['flip copies', (x) => x.flip(0), false],
    ['repeat copies', (x) => x.repeat([1, 1]), false],
    ['contiguous of a permuted tensor copies', (x) => x.t().contiguous(), false],
  ];
  for (const [name, op, shares] of viewOps) {
    it(name, () => {
      for (const d of devices) {
        const x = range([2, 3], d);
        expect(op(x).storageRef === x.storageRef, `${name} on ${d}`).toBe(shares);
      }
    });
  }
});

describe('bad calls name the op and the offending values', () => {
  const errorCases: [string, (d: Device) => unknown, RegExp][] = [
    ['broadcast mismatch', (d) => range([2, 3], d).add(range([4], d)), /add: shapes \[2, 3\] and \[4\] cannot be broadcast/],
    ['matmul inner dims', (d) => range([2, 3], d).matmul(range([4, 5], d)), /matmul: shapes \[2, 3\] and \[4, 5\] cannot be multiplied/],
    ['view of a non-contiguous tensor', (d) => range([2, 3], d).t().view([6]), /view: shape \[6\] is not compatible/],
    ['reshape to a wrong size', (d) => range([2, 3], d).reshape([4, 2]), /reshape: shape \[4, 2\] is invalid for input of size 6/],
    ['dim out of range', (d) => range([2, 3], d).sum(2), /sum: dim 2 is out of range/],
    ['select out of range', (d) => range([2, 3], d).select(1, 3), /select: index 3 is out of range for dimension 1 of size 3/],
    ['mean of ints', (d) => torch.arange(3, undefined, 1, { device: d }).mean(), /mean: .*int32/],
    ['ragged nested lists', (d) => torch.tensor([[1, 2], [3]], { device: d }), /tensor: nested lists have ragged lengths/],
    ['unknown dtype', (d) => torch.zeros([2], { device: d, dtype: 'float64' as never }), /unknown dtype 'float64'/],
    ['cat of mismatched shapes', (d) => torch.cat([range([2, 3], d), range([3, 3], d)], 1), /cat: sizes must match except in dimension 1/],
    ['expand to an incompatible size', (d) => range([2, 3], d).expand([2, 4]), /expand: the expanded size 4 must match the existing size 3/],
  ];
  for (const [name, call, pattern] of errorCases) {
    it(name, () => {
      for (const d of devices) expect(() => call(d), `${name} on ${d}`).toThrow(pattern);
    });
  }

  it.skipIf(noWebgpu)('mixing devices names both', () => {
    expect(() => range([2], 'cpu').add(range([2], 'webgpu'))).toThrow(/add: expected all tensors on the same device, got 'cpu' and 'webgpu'/);
  });
});

describe('moving between devices', () => {
  it('copies to the cpu without blocking; cpu ops queue behind the copy', async () => {
    for (const d of devices) {
      const onCpu = range([2, 3], d).t().to('cpu').mul(2);
      expect(onCpu.device).toBe('cpu');
      expect(await onCpu.tolist()).toEqual([
        [0, 6],
        [2, 8],
        [4, 10],
      ]);
      expect(await onCpu.to(d).add(1).tolist()).toEqual([
        [1, 7],
        [3, 9],
        [5, 11],
      ]);
    }
  });
});
