/** The functional indexPut (PyTorch's index_put, out of place) on every device: values, gradients of x and values, errors. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, it32, t, type Nested } from '../testing/nested-close';

const devices = await testDevices();

/** arange(0, n) as float32 of `shape`, a leaf that requires grad. */
const ar = (d: Device, shape: number[]) =>
  torch
    .arange(
      0,
      shape.reduce((a, b) => a * b, 1),
      1,
      { device: d },
    )
    .to('float32')
    .reshape(shape)
    .detach()
    .requiresGrad_();
const mask = (d: Device, v: Nested) => torch.tensor(v as number[], { device: d, dtype: 'bool' });
/** int32 values computed by kernels on the device (the host has no copy of them). */
const computed = (d: Device, v: Nested) => it32(d, v).add(1).sub(1);

async function weightedGrad(x: Tensor, out: Tensor): Promise<unknown> {
  const w = torch
    .arange(1, out.numel() + 1, 1, { device: x.device })
    .to('float32')
    .reshape(out.shape);
  out.mul(w).sum().backward();
  return x.grad!.tolist();
}

interface PutCase {
  name: string;
  shape: number[];
  indices: (d: Device) => Parameters<Tensor['indexPut']>[0];
  values: (d: Device) => Tensor | number;
  accumulate?: boolean;
  want: Nested;
  /** Gradients of x and of values for the result weighted by 1, 2, 3, ... and summed. */
  gradX: Nested;
  gradV?: Nested;
}

const putCases: PutCase[] = [
  {
    name: 'rows (put_rows)',
    shape: [3, 2],
    indices: (d) => [it32(d, [2, 0])],
    values: (d) =>
      t(
        d,
        [
          [10, 11],
          [12, 13],
        ],
        true,
      ),
    want: [
      [12, 13],
      [2, 3],
      [10, 11],
    ],
    gradX: [
      [0, 0],
      [3, 4],
      [0, 0],
    ],
    gradV: [
      [5, 6],
      [1, 2],
    ],
  },
  {
    name: 'accumulate with duplicates (put_accumulate)',
    shape: [2, 3],
    indices: (d) => [it32(d, [0, 1, 0]), it32(d, [1, 2, 1])],
    values: (d) => t(d, [10, 20, 30], true),
    accumulate: true,
    want: [
      [0, 41, 2],
      [3, 4, 25],
    ],
    gradX: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    gradV: [2, 6, 2],
  },
  {
    name: 'a mask and a 0-d value (put_mask_scalar)',
    shape: [2, 3],
    indices: (d) => [
      mask(d, [
        [0, 1, 1],
        [1, 0, 0],
      ]),
    ],
    values: (d) => t(d, 7, true),
    want: [
      [0, 7, 7],
      [7, 4, 5],
    ],
    gradX: [
      [1, 0, 0],
      [0, 5, 6],
    ],
    gradV: 9,
  },
  {
    name: 'a number, broadcast',
    shape: [2, 3],
    indices: () => [':', 1],
    values: () => -1,
    want: [
      [0, -1, 2],
      [3, -1, 5],
    ],
    gradX: [
      [1, 0, 3],
      [4, 0, 6],
    ],
  },
  {
    name: 'values broadcast over a slice',
    shape: [2, 3],
    indices: (d) => [':', it32(d, [2, 0])],
    values: (d) => t(d, [8, 9], true),
    want: [
      [9, 1, 8],
      [9, 4, 8],
    ],
    gradX: [
      [0, 2, 0],
      [0, 5, 0],
    ],
    gradV: [9, 5],
  },
  { name: 'duplicates of one value', shape: [3], indices: (d) => [it32(d, [1, 1, -2])], values: () => 7, want: [0, 7, 2], gradX: [1, 0, 3] },
  {
    name: 'computed indices (device positions)',
    shape: [2, 3],
    indices: (d) => [computed(d, [1, 0]), computed(d, [0, 2])],
    values: (d) => t(d, [5, 6], true),
    want: [
      [0, 1, 6],
      [5, 4, 5],
    ],
    gradX: [
      [1, 2, 0],
      [0, 5, 6],
    ],
    gradV: [4, 3],
  },
  {
    name: 'computed indices, accumulate',
    shape: [2, 3],
    indices: (d) => [computed(d, [1, 1]), ':'],
    values: (d) =>
      t(
        d,
        [
          [1, 1, 1],
          [2, 2, 2],
        ],
        true,
      ),
    accumulate: true,
    want: [
      [0, 1, 2],
      [6, 7, 8],
    ],
    gradX: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    gradV: [
      [4, 5, 6],
      [4, 5, 6],
    ],
  },
  { name: 'computed duplicates of one value', shape: [3], indices: (d) => [computed(d, [2, 2])], values: () => 4, want: [0, 1, 4], gradX: [1, 2, 0] },
];

describe.each(devices)('indexPut on %s', (d) => {
  it.each(putCases)('$name', async ({ shape, indices, values, accumulate, want, gradX, gradV }) => {
    const x = ar(d, shape);
    const v = values(d);
    const out = x.indexPut(indices(d), v, { accumulate });
    expect(out.shape).toEqual(shape);
    expectClose(await out.tolist(), want);
    expectClose(await weightedGrad(x, out), gradX);
    if (gradV !== undefined) expectClose(await (v as Tensor).grad!.tolist(), gradV);
  });

  it('leaves x unchanged, as the method form of index_put', async () => {
    const x = ar(d, [3]);
    x.indexPut([it32(d, [0])], 9);
    expectClose(await x.tolist(), [0, 1, 2]);
  });

  it('errors: values that do not broadcast, another dtype, an int tensor, an out-of-range index', async () => {
    const x = ar(d, [2, 3]);
    expect(() => x.indexPut([it32(d, [0])], t(d, [1, 2]))).toThrow(/indexPut: values of shape \[2\] cannot be broadcast to the indexed shape \[1, 3\]/);
    expect(() => x.indexPut([it32(d, [0])], it32(d, [1]))).toThrow(/values must have the tensor's dtype float32, got int32/);
    expect(() => it32(d, [1, 2]).indexPut([it32(d, [0])], 1)).toThrow(/indexPut: supports floating tensors, got int32/);
    expect(() => x.indexPut([it32(d, [2])], 1)).toThrow(/indexPut: index 2 is out of bounds for dimension 0 with size 2/);
    if (d === 'webgpu') {
      const out = x.indexPut([':', computed(d, [3])], 1);
      await expect(out.data()).rejects.toThrow(/indexPut: index 3 is out of bounds for dimension 1 with size 3 \(found on the GPU/);
    }
  });
});
