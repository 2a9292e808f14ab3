/** The ops of PyTorch's wider surface derived from primitives (more-elementwise.ts, more-reductions.ts), on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';

const devices = await testDevices();

type Nested = number | boolean | Nested[];
const t = (d: Device, v: Nested, requiresGrad = false) => torch.tensor(v as number[], { device: d, requiresGrad });
const it32 = (d: Device, v: Nested) => torch.tensor(v as number[], { device: d, dtype: 'int32' });

/** Nested values equal within 1e-5 (relative) or 1e-6, NaN matching NaN. */
function expectClose(got: unknown, want: Nested, path = ''): void {
  if (Array.isArray(want)) {
    expect(Array.isArray(got), `${path} is not a list`).toBe(true);
    expect((got as unknown[]).length, `length at ${path}`).toBe(want.length);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w, `${path}[${i}]`));
  } else if (typeof want === 'boolean' || Number.isNaN(want) || !Number.isFinite(want)) {
    expect(got, path).toBe(want);
  } else {
    expect(Math.abs((got as number) - want), `${path}: got ${String(got)}, want ${want}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(want));
  }
}

interface ValueCase {
  name: string;
  run: (d: Device) => Tensor;
  want: Nested;
  dtype?: string;
}

const M = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];

const valueCases: ValueCase[] = [
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

interface GradCase {
  name: string;
  inputs: (d: Device) => Tensor[];
  run: (...xs: Tensor[]) => Tensor;
  /** The gradient of each input, of run(...).sum(). */
  want: Nested[];
}

const gradCases: GradCase[] = [
  {
    name: 'fmod',
    inputs: (d) => [t(d, [5.5, -5.5], true), t(d, [2, 2], true)],
    run: (x, y) => x.fmod(y),
    want: [
      [1, 1],
      [-2, 2],
    ],
  },
  {
    name: 'remainder',
    inputs: (d) => [t(d, [5.5, -5.5], true), t(d, [2, 2], true)],
    run: (x, y) => x.remainder(y),
    want: [
      [1, 1],
      [-2, 3],
    ],
  },
  {
    name: 'atan2',
    inputs: (d) => [t(d, [1, 3], true), t(d, [1, -4], true)],
    run: (y, x) => y.atan2(x),
    want: [
      [0.5, -4 / 25],
      [-0.5, -3 / 25],
    ],
  },
  { name: 'hypot', inputs: (d) => [t(d, [3], true), t(d, [4], true)], run: (x, y) => x.hypot(y), want: [[0.6], [0.8]] },
  {
    name: 'lerp',
    inputs: (d) => [t(d, [1, 2], true), t(d, [5, 2], true), t(d, [0.25, 0.5], true)],
    run: (a, b, w) => a.lerp(b, w),
    want: [
      [0.75, 0.5],
      [0.25, 0.5],
      [4, 0],
    ],
  },
  {
    name: 'nanToNum passes no gradient to replaced elements',
    inputs: (d) => [t(d, [NaN, 2, Infinity], true)],
    run: (x) => x.nanToNum().mul(3),
    want: [[0, 3, 0]],
  },
  {
    name: 'amax shares ties',
    inputs: (d) => [
      t(
        d,
        [
          [1, 3, 3],
          [2, 0, 1],
        ],
        true,
      ),
    ],
    run: (x) => x.amax(1),
    want: [
      [
        [0, 0.5, 0.5],
        [1, 0, 0],
      ],
    ],
  },
  { name: 'norm p=2', inputs: (d) => [t(d, [3, -4], true)], run: (x) => x.norm(), want: [[0.6, -0.8]] },
  { name: 'norm p=1', inputs: (d) => [t(d, [3, -4], true)], run: (x) => x.norm(1), want: [[1, -1]] },
  {
    name: 'triu',
    inputs: (d) => [
      t(
        d,
        [
          [1, 2],
          [3, 4],
        ],
        true,
      ),
    ],
    run: (x) => x.triu(),
    want: [
      [
        [1, 1],
        [0, 1],
      ],
    ],
  },
  {
    name: 'outer',
    inputs: (d) => [t(d, [1, 2], true), t(d, [3, 4, 5], true)],
    run: (a, b) => a.outer(b),
    want: [
      [12, 12],
      [3, 3, 3],
    ],
  },
  {
    name: 'diag of a vector',
    inputs: (d) => [t(d, [1, 2], true)],
    run: (x) =>
      x.diag(-1).mul(
        t(x.device, [
          [1, 1, 1],
          [5, 1, 1],
          [1, 7, 1],
        ]),
      ),
    want: [[5, 7]],
  },
  {
    name: 'trace',
    inputs: (d) => [t(d, M, true)],
    run: (x) => x.trace(),
    want: [
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    ],
  },
  { name: 'roll', inputs: (d) => [t(d, [1, 2, 3], true)], run: (x) => x.roll(1).mul(t(x.device, [10, 20, 30])), want: [[20, 30, 10]] },
  { name: 'bmm', inputs: (d) => [t(d, [[[1, 2]]], true), t(d, [[[3], [4]]], true)], run: (a, b) => a.bmm(b), want: [[[[3, 4]]], [[[1], [2]]]] },
];

interface ErrorCase {
  name: string;
  run: (d: Device) => unknown;
  message: RegExp;
}

const errorCases: ErrorCase[] = [
  { name: 'tril of a vector', run: (d) => t(d, [1, 2]).tril(), message: /^tril: expected a tensor of at least 2 dimensions, got shape \[2\]/ },
  { name: 'triu with a fractional diagonal', run: (d) => t(d, M).triu(0.5), message: /^triu: the diagonal must be an integer/ },
  { name: 'outer of matrices', run: (d) => t(d, M).outer(t(d, [1])), message: /^outer: expected two 1-D tensors, got shapes \[3, 3\] and \[1\]/ },
  { name: 'diag of a 3-D tensor', run: (d) => t(d, [M]).diag(), message: /^diag: expected a 1-D or 2-D tensor, got shape \[1, 3, 3\]/ },
  { name: 'trace of a vector', run: (d) => t(d, [1]).trace(), message: /^trace: expected a 2-D tensor, got shape \[1\]/ },
  { name: 'norm of int32', run: (d) => it32(d, [1]).norm(), message: /^norm: expected a floating tensor, got int32/ },
  { name: 'norm with an unknown p', run: (d) => t(d, [1]).norm('nuc' as 'fro'), message: /^norm: p must be a number or 'fro', got nuc/ },
  { name: 'roll with mismatched shifts and dims', run: (d) => t(d, M).roll([1, 2], 0), message: /^roll: shifts and dims must have the same length/ },
  { name: 'roll over a dim out of range', run: (d) => t(d, M).roll(1, 2), message: /^roll: dim 2 is out of range/ },
  { name: 'mm of a vector', run: (d) => t(d, [1, 2]).mm(t(d, M)), message: /^mm: expected two 2-D tensors, got shapes \[2\] and \[3, 3\]/ },
  { name: 'mm with inner sizes that differ', run: (d) => t(d, [[1, 2]]).mm(t(d, M)), message: /^mm: shapes \[1, 2\] and \[3, 3\] cannot be multiplied/ },
  { name: 'bmm of matrices', run: (d) => t(d, M).bmm(t(d, M)), message: /^bmm: expected two 3-D tensors/ },
  {
    name: 'bmm does not broadcast the batch',
    run: (d) => t(d, [M, M]).bmm(t(d, [M])),
    message: /^bmm: batch sizes differ: shapes \[2, 3, 3\] and \[1, 3, 3\]/,
  },
  { name: 'fmod of bool', run: (d) => t(d, [true]).fmod(2), message: /^fmod: not supported for bool tensors, got bool and number/ },
  { name: 'hypot of int32', run: (d) => it32(d, [3]).hypot(it32(d, [4])), message: /^hypot: expected a floating tensor, got int32 and int32/ },
  {
    name: 'lerp of int32',
    run: (d) => it32(d, [1]).lerp(it32(d, [2]), 0.5),
    message: /^lerp: expected start and end of one floating dtype, got int32 and int32/,
  },
  { name: 'isclose of two dtypes', run: (d) => t(d, [1]).isclose(it32(d, [1])), message: /^isclose: expected tensors of one dtype, got float32 and int32/ },
  {
    name: 'a free function given a number',
    run: () => torch.exp(2 as unknown as Tensor),
    message: /^torch\.exp: expected a tensor as the first argument, got number/,
  },
];

describe.each(devices)('more ops on %s', (device) => {
  it.each(valueCases)('$name', async ({ run, want, dtype }) => {
    const out = run(device);
    if (dtype) expect(out.dtype).toBe(dtype);
    expectClose(await out.tolist(), want);
  });

  it.each(gradCases)('gradient: $name', async ({ inputs, run, want }) => {
    const xs = inputs(device);
    run(...xs)
      .sum()
      .backward();
    for (const [i, x] of xs.entries()) {
      expect(x.grad, `input ${i}`).not.toBeNull();
      expectClose(await x.grad!.tolist(), want[i], `grad ${i}`);
    }
  });

  it.each(errorCases)('error: $name', ({ run, message }) => {
    expect(() => run(device)).toThrow(message);
  });

  it('allclose reads back a boolean', async () => {
    expect(await torch.allclose(t(device, [1, 2]), t(device, [1, 2.00001]))).toBe(true);
    expect(await torch.allclose(t(device, [1, 2]), t(device, [1, 2.1]))).toBe(false);
    expect(await torch.allclose(t(device, [1, 2]), t(device, [1, 2.1]), { atol: 0.2 })).toBe(true);
  });
});
