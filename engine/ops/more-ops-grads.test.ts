/** Gradients and errors of the ops of PyTorch's wider surface derived from primitives, on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, it32, M, t, type Nested } from '../testing/nested-close';

const devices = await testDevices();

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
  {
    name: 'norm p=2 of zeros has a zero gradient',
    inputs: (d) => [
      t(
        d,
        [
          [0, 0],
          [3, 4],
        ],
        true,
      ),
    ],
    run: (x) => x.norm(2, 1),
    want: [
      [
        [0, 0],
        [0.6, 0.8],
      ],
    ],
  },
  {
    name: 'norm p=3 of zeros has a zero gradient',
    inputs: (d) => [
      t(
        d,
        [
          [0, 0],
          [1, 1],
        ],
        true,
      ),
    ],
    run: (x) => x.norm(3, 1),
    want: [
      [
        [0, 0],
        [2 ** (-2 / 3), 2 ** (-2 / 3)],
      ],
    ],
  },
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
});
