/** Values of the ops of PyTorch's wider surface derived from primitives (more-elementwise.ts, more-reductions.ts), on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, it32, M, t, type Nested } from '../testing/nested-close';

const devices = await testDevices();

interface ValueCase {
  name: string;
  run: (d: Device) => Tensor;
  want: Nested;
  dtype?: string;
}

const valueCases: ValueCase[] = [
  { name: 'arange(n, { dtype }) takes its options right after the numbers', run: (d) => torch.arange(3, { device: d, dtype: 'float32' }), want: [0, 1, 2] },
  { name: 'arange(start, end, { dtype })', run: (d) => torch.arange(1, 4, { device: d, dtype: 'int32' }), want: [1, 2, 3], dtype: 'int32' },
  { name: 'trunc rounds toward zero', run: (d) => t(d, [-2.5, -0.5, 0.5, 2.7]).trunc(), want: [-2, -0, 0, 2] },
  { name: 'trunc of int32 keeps the values', run: (d) => it32(d, [-3, 4]).trunc(), want: [-3, 4], dtype: 'int32' },
  { name: 'fmod takes the sign of the dividend', run: (d) => t(d, [5.5, -5.5, 5.5, -5.5]).fmod(t(d, [2, 2, -2, -2])), want: [1.5, -1.5, 1.5, -1.5] },
  { name: 'fmod of int32 stays int32', run: (d) => it32(d, [7, -7]).fmod(3), want: [1, -1], dtype: 'int32' },
  {
    name: 'remainder takes the sign of the divisor',
    run: (d) => t(d, [5.5, -5.5, 5.5, -5.5, 4]).remainder(t(d, [2, 2, -2, -2, 2])),
    want: [1.5, 0.5, -0.5, -1.5, 0],
  },
  { name: 'remainder by a negative number', run: (d) => t(d, [1, -1, 3]).remainder(-1.5), want: [-0.5, -1, 0] },
  { name: 'remainder of int32 stays int32', run: (d) => it32(d, [7, -7]).remainder(3), want: [1, 2], dtype: 'int32' },
  {
    name: 'atan2 covers the four quadrants and signed zeros',
    run: (d) => t(d, [1, 1, -1, -1, 0, 0, -0]).atan2(t(d, [1, -1, 1, -1, 1, -1, -1])),
    want: [Math.PI / 4, (3 * Math.PI) / 4, -Math.PI / 4, (-3 * Math.PI) / 4, 0, Math.PI, -Math.PI],
  },
  { name: 'hypot', run: (d) => t(d, [3, -5, 0]).hypot(t(d, [4, 12, 0])), want: [5, 13, 0] },
  { name: 'lerp with a number', run: (d) => t(d, [0, 10]).lerp(t(d, [10, 20]), 0.25), want: [2.5, 12.5] },
  {
    name: 'lerp with a tensor weight broadcasts',
    run: (d) => t(d, [[0], [4]]).lerp(t(d, [8]), t(d, [0, 0.5, 1])),
    want: [
      [0, 4, 8],
      [4, 6, 8],
    ],
  },
  { name: 'isnan', run: (d) => t(d, [NaN, 1, Infinity]).isnan(), want: [true, false, false], dtype: 'bool' },
  { name: 'isinf', run: (d) => t(d, [NaN, -Infinity, Infinity, 3]).isinf(), want: [false, true, true, false], dtype: 'bool' },
  { name: 'isinf of int32 is all false', run: (d) => it32(d, [1, 2]).isinf(), want: [false, false], dtype: 'bool' },
  { name: 'isfinite', run: (d) => t(d, [NaN, -Infinity, 0]).isfinite(), want: [false, false, true], dtype: 'bool' },
  {
    name: 'nanToNum defaults to 0 and the largest float32',
    run: (d) => t(d, [NaN, Infinity, -Infinity, 2]).nanToNum(),
    want: [0, 3.4028234663852886e38, -3.4028234663852886e38, 2],
  },
  { name: 'nanToNum with values', run: (d) => t(d, [NaN, Infinity, -Infinity, 2]).nanToNum({ nan: 1, posinf: 9, neginf: -9 }), want: [1, 9, -9, 2] },
  {
    name: 'isclose: tolerance relative to the other, infinities equal to themselves only',
    run: (d) => t(d, [1, 1, Infinity, 1, NaN]).isclose(t(d, [1.000001, 1.1, Infinity, Infinity, NaN])),
    want: [true, false, true, false, false],
    dtype: 'bool',
  },
  {
    name: 'isclose with equalNan and atol',
    run: (d) => t(d, [NaN, 0]).isclose(t(d, [NaN, 0.05]), { atol: 0.1, equalNan: true }),
    want: [true, true],
    dtype: 'bool',
  },
  {
    name: 'any over everything',
    run: (d) =>
      t(d, [
        [0, 0],
        [0, 2],
      ]).any(),
    want: true,
    dtype: 'bool',
  },
  {
    name: 'any over a dim with keepdim',
    run: (d) =>
      t(d, [
        [0, 0],
        [0, 2],
      ]).any(1, true),
    want: [[false], [true]],
    dtype: 'bool',
  },
  {
    name: 'all over a dim of a bool tensor',
    run: (d) =>
      t(d, [
        [true, false],
        [true, true],
      ]).all(0),
    want: [true, false],
    dtype: 'bool',
  },
  { name: 'all counts NaN as nonzero', run: (d) => t(d, [NaN, 1]).all(), want: true, dtype: 'bool' },
  {
    name: 'amax over two dims',
    run: (d) =>
      t(d, [
        [
          [1, 5],
          [3, 2],
        ],
        [
          [0, 4],
          [9, 1],
        ],
      ]).amax([0, 2]),
    want: [5, 9],
  },
  { name: 'amin keepdim', run: (d) => t(d, M).amin(1, true), want: [[1], [4], [7]] },
  {
    name: 'norm (Frobenius) of everything',
    run: (d) =>
      t(d, [
        [3, 0],
        [0, -4],
      ]).norm(),
    want: 5,
  },
  {
    name: 'norm p=1 over a dim',
    run: (d) =>
      t(d, [
        [1, -2],
        [-3, 4],
      ]).norm(1, 1),
    want: [3, 7],
  },
  {
    name: 'norm p=inf and -inf',
    run: (d) =>
      t(d, [
        [1, -5],
        [-3, 2],
      ])
        .norm(Infinity, 0)
        .add(
          t(d, [
            [1, -5],
            [-3, 2],
          ]).norm(-Infinity, 0),
        ),
    want: [4, 7],
  },
  { name: 'norm p=0 counts nonzeros', run: (d) => t(d, [0, 3, -1, 0]).norm(0), want: 2 },
  { name: 'norm p=3', run: (d) => t(d, [1, 2]).norm(3), want: Math.cbrt(9) },
  {
    name: 'tril',
    run: (d) => t(d, M).tril(),
    want: [
      [1, 0, 0],
      [4, 5, 0],
      [7, 8, 9],
    ],
  },
  {
    name: 'tril with k = -1 over a batch',
    run: (d) => t(d, [M, M]).tril(-1).select(0, 1),
    want: [
      [0, 0, 0],
      [4, 0, 0],
      [7, 8, 0],
    ],
  },
  {
    name: 'triu with k = 1 of a wide int32 matrix',
    run: (d) =>
      it32(d, [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ]).triu(1),
    want: [
      [0, 2, 3, 4],
      [0, 0, 7, 8],
    ],
    dtype: 'int32',
  },
  {
    name: 'outer',
    run: (d) => torch.outer(t(d, [1, 2]), t(d, [3, 4, 5])),
    want: [
      [3, 4, 5],
      [6, 8, 10],
    ],
  },
  {
    name: 'diag builds a matrix',
    run: (d) => t(d, [1, 2]).diag(),
    want: [
      [1, 0],
      [0, 2],
    ],
  },
  {
    name: 'diag builds above the diagonal',
    run: (d) => t(d, [1, 2]).diag(1),
    want: [
      [0, 1, 0],
      [0, 0, 2],
      [0, 0, 0],
    ],
  },
  { name: 'diag reads a diagonal', run: (d) => t(d, M).diag(), want: [1, 5, 9] },
  {
    name: 'diag reads below the diagonal of a wide matrix',
    run: (d) =>
      t(d, [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ]).diag(-1),
    want: [5],
  },
  {
    name: 'diag ignores NaN off the diagonal',
    run: (d) =>
      t(d, [
        [1, NaN],
        [NaN, 2],
      ]).diag(),
    want: [1, 2],
  },
  { name: 'diag past the matrix is empty', run: (d) => t(d, M).diag(5), want: [] },
  { name: 'trace', run: (d) => t(d, M).trace(), want: 15 },
  { name: 'trace of int32 stays int32', run: (d) => it32(d, M).trace(), want: 15, dtype: 'int32' },
  {
    name: 'roll without dims rolls the flattened tensor',
    run: (d) =>
      t(d, [
        [1, 2],
        [3, 4],
      ]).roll(1),
    want: [
      [4, 1],
      [2, 3],
    ],
  },
  {
    name: 'roll over two dims, negative shift',
    run: (d) => t(d, M).roll([1, -1], [0, 1]),
    want: [
      [8, 9, 7],
      [2, 3, 1],
      [5, 6, 4],
    ],
  },
  { name: 'roll by more than the size wraps', run: (d) => t(d, [1, 2, 3]).roll(4, 0), want: [3, 1, 2] },
  { name: 'mm', run: (d) => t(d, [[1, 2]]).mm(t(d, [[3], [4]])), want: [[11]] },
  {
    name: 'bmm',
    run: (d) =>
      torch.bmm(
        t(d, [[[1, 2]], [[3, 4]]]),
        t(d, [
          [[1], [1]],
          [[2], [0]],
        ]),
      ),
    want: [[[3]], [[6]]],
  },
  { name: 'torch.sum with dims and keepdim', run: (d) => torch.sum(t(d, M), 1, true), want: [[6], [15], [24]] },
  { name: 'torch.exp', run: (d) => torch.exp(t(d, [0, 1])), want: [1, Math.E] },
  {
    name: 'torch.flatten with a range',
    run: (d) =>
      torch.flatten(
        t(d, [
          [[1], [2]],
          [[3], [4]],
        ]),
        0,
        1,
      ),
    want: [[1], [2], [3], [4]],
  },
  { name: 'torch.max of everything', run: (d) => torch.max(t(d, M)), want: 9 },
  { name: 'torch.max over a dim gives values', run: (d) => torch.max(t(d, M), 1, true).values, want: [[3], [6], [9]] },
  {
    name: 'torch.min over a dim gives indices',
    run: (d) =>
      torch.min(
        t(d, [
          [2, 1],
          [0, 5],
        ]),
        0,
      ).indices,
    want: [1, 0],
    dtype: 'int32',
  },
  { name: 'torch.max of two tensors is elementwise', run: (d) => torch.max(t(d, [1, 5]), t(d, [3, 2])), want: [3, 5] },
  {
    name: 'torch.tril',
    run: (d) =>
      torch.tril(
        t(d, [
          [1, 2],
          [3, 4],
        ]),
        -1,
      ),
    want: [
      [0, 0],
      [3, 0],
    ],
  },
  {
    name: 'torch.empty has the shape and dtype asked for',
    run: (d) => torch.empty(2, 3, { device: d, dtype: 'int32' }).mul(0),
    want: [
      [0, 0, 0],
      [0, 0, 0],
    ],
    dtype: 'int32',
  },
  { name: 'torch.emptyLike', run: (d) => torch.emptyLike(t(d, [1, 2])).mul(0), want: [0, 0] },
];

describe.each(devices)('more ops on %s', (device) => {
  it.each(valueCases)('$name', async ({ run, want, dtype }) => {
    const out = run(device);
    if (dtype) expect(out.dtype).toBe(dtype);
    expectClose(await out.tolist(), want);
  });

  it('allclose reads back a boolean', async () => {
    expect(await torch.allclose(t(device, [1, 2]), t(device, [1, 2.00001]))).toBe(true);
    expect(await torch.allclose(t(device, [1, 2]), t(device, [1, 2.1]))).toBe(false);
    expect(await torch.allclose(t(device, [1, 2]), t(device, [1, 2.1]), { atol: 0.2 })).toBe(true);
  });
});
