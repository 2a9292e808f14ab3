/**
 * PyTorch's advanced indexing (x.index with tensors, masks and lists) on every device (indexPut:
 * index-put.test.ts): result shapes and values (x = arange, so a value is its flat position),
 * gradients, and errors, including out-of-range indices computed on the device.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, it32, t, type Nested } from '../testing/nested-close';
import { scatterAdd } from './indexing';

const devices = await testDevices();

/** arange(0, n) as float32 of `shape` (every value is its flat position). */
const ar = (d: Device, shape: number[], requiresGrad = false) => {
  const x = torch
    .arange(
      0,
      shape.reduce((a, b) => a * b, 1),
      1,
      { device: d },
    )
    .to('float32')
    .reshape(shape);
  return requiresGrad ? x.detach().requiresGrad_() : x;
};
const mask = (d: Device, v: Nested) => torch.tensor(v as number[], { device: d, dtype: 'bool' });
/** int32 values computed by kernels on the device (the host has no copy of them). */
const computed = (d: Device, v: Nested) => it32(d, v).add(1).sub(1);

interface ReadCase {
  name: string;
  run: (d: Device) => Tensor;
  shape: number[];
  want: Nested;
}

const readCases: ReadCase[] = [
  {
    name: 'one index tensor, bare',
    run: (d) => ar(d, [3, 4]).index(it32(d, [2, 0, -1])),
    shape: [3, 4],
    want: [
      [8, 9, 10, 11],
      [0, 1, 2, 3],
      [8, 9, 10, 11],
    ],
  },
  {
    name: 'a 2-D index tensor',
    run: (d) =>
      ar(d, [3, 2]).index([
        it32(d, [
          [0, 1],
          [2, 2],
        ]),
      ]),
    shape: [2, 2, 2],
    want: [
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [4, 5],
      ],
    ],
  },
  { name: 'rows and cols', run: (d) => ar(d, [3, 4]).index([it32(d, [0, 2]), it32(d, [1, -1])]), shape: [2], want: [1, 11] },
  {
    name: 'rows and cols broadcast',
    run: (d) => ar(d, [3, 4]).index([it32(d, [[0], [2]]), it32(d, [[1, 3]])]),
    shape: [2, 2],
    want: [
      [1, 3],
      [9, 11],
    ],
  },
  {
    name: 'slice then tensor',
    run: (d) => ar(d, [3, 4]).index([':', it32(d, [3, 0])]),
    shape: [3, 2],
    want: [
      [3, 0],
      [7, 4],
      [11, 8],
    ],
  },
  {
    name: 'stepped slice then tensor',
    run: (d) => ar(d, [3, 4]).index(['::2', it32(d, [1, 2])]),
    shape: [2, 2],
    want: [
      [1, 2],
      [9, 10],
    ],
  },
  {
    name: 'int then tensor',
    run: (d) => ar(d, [2, 3, 4]).index([1, it32(d, [2, 0])]),
    shape: [2, 4],
    want: [
      [20, 21, 22, 23],
      [12, 13, 14, 15],
    ],
  },
  {
    name: 'tensors separated by a slice go first',
    run: (d) => ar(d, [2, 3, 4]).index([it32(d, [1, 0]), ':', it32(d, [3, 1])]),
    shape: [2, 3],
    want: [
      [15, 19, 23],
      [1, 5, 9],
    ],
  },
  {
    name: 'adjacent tensors after a slice stay in place',
    run: (d) => ar(d, [2, 3, 4]).index([':', it32(d, [2, 0]), it32(d, [1, 1])]),
    shape: [2, 2],
    want: [
      [9, 1],
      [21, 13],
    ],
  },
  {
    name: 'ellipsis then tensor',
    run: (d) => ar(d, [2, 3, 4]).index(['...', it32(d, [0, 3])]),
    shape: [2, 3, 2],
    want: [
      [
        [0, 3],
        [4, 7],
        [8, 11],
      ],
      [
        [12, 15],
        [16, 19],
        [20, 23],
      ],
    ],
  },
  { name: 'None then tensor', run: (d) => ar(d, [3, 4]).index([null, it32(d, [1])]), shape: [1, 1, 4], want: [[[4, 5, 6, 7]]] },
  { name: 'a 0-d index tensor', run: (d) => ar(d, [3, 4]).index([it32(d, 2)]), shape: [4], want: [8, 9, 10, 11] },
  { name: 'lists without tensors are views', run: (d) => ar(d, [3, 4]).index([-1, '1:3']), shape: [2], want: [9, 10] },
  {
    name: 'a full mask',
    run: (d) =>
      ar(d, [3, 4]).index(
        mask(d, [
          [1, 0, 0, 1],
          [0, 0, 0, 0],
          [0, 1, 0, 0],
        ]),
      ),
    shape: [3],
    want: [0, 3, 9],
  },
  {
    name: 'a mask over the leading dims',
    run: (d) =>
      ar(d, [2, 3, 4]).index(
        mask(d, [
          [1, 0, 0],
          [0, 0, 1],
        ]),
      ),
    shape: [2, 4],
    want: [
      [0, 1, 2, 3],
      [20, 21, 22, 23],
    ],
  },
  {
    name: 'slice then mask',
    run: (d) => ar(d, [3, 4]).index([':', mask(d, [1, 0, 1, 0])]),
    shape: [3, 2],
    want: [
      [0, 2],
      [4, 6],
      [8, 10],
    ],
  },
  { name: 'a mask with no true value', run: (d) => ar(d, [3, 4]).index(mask(d, [0, 0, 0])), shape: [0, 4], want: [] },
  {
    name: 'mask then tensor',
    run: (d) =>
      ar(d, [2, 3, 4]).index([
        mask(d, [
          [1, 0, 0],
          [0, 1, 0],
        ]),
        it32(d, [3]),
      ]),
    shape: [2],
    want: [3, 19],
  },
  {
    name: 'a CPU index tensor',
    run: (d) => ar(d, [3, 4]).index([it32('cpu', [1, 2])]),
    shape: [2, 4],
    want: [
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ],
  },
  {
    name: 'a CPU mask',
    run: (d) => ar(d, [3, 4]).index([':', mask('cpu', [0, 1, 0, 1])]),
    shape: [3, 2],
    want: [
      [1, 3],
      [5, 7],
      [9, 11],
    ],
  },
  {
    name: 'an index computed on the device',
    run: (d) => ar(d, [3, 4]).index([computed(d, [2, -3])]),
    shape: [2, 4],
    want: [
      [8, 9, 10, 11],
      [0, 1, 2, 3],
    ],
  },
  {
    name: 'two indices computed on the device (stride tables)',
    run: (d) => ar(d, [2, 3, 4]).index([computed(d, [1, 0, -1]), ':', computed(d, [[-1], [0]])]),
    shape: [2, 3, 3],
    want: [
      [
        [15, 19, 23],
        [3, 7, 11],
        [15, 19, 23],
      ],
      [
        [12, 16, 20],
        [0, 4, 8],
        [12, 16, 20],
      ],
    ],
  },
  { name: 'a computed index beside a host one', run: (d) => ar(d, [3, 4]).index([it32(d, [0, 2]), computed(d, [3, -4])]), shape: [2], want: [3, 8] },
  {
    name: 'a 0-d index tensor counts as an int (a select) in the layout',
    run: (d) => ar(d, [2, 3, 4, 5]).index([':', it32(d, 1), ':', it32(d, [0, 4])]),
    shape: [2, 4, 2],
    want: [0, 1].map((a) => [0, 1, 2, 3].map((c) => [0, 4].map((e) => 60 * a + 20 + 5 * c + e))),
  },
  {
    name: 'a computed 0-d index between two tensors keeps them adjacent',
    run: (d) => ar(d, [2, 3, 4, 5]).index([':', it32(d, [0, 2]), computed(d, 1), it32(d, [4, 0])]),
    shape: [2, 2],
    want: [
      [9, 45],
      [69, 105],
    ],
  },
  {
    name: 'a nested list of ints, as PyTorch x[[2, 0]]',
    run: (d) =>
      ar(d, [3, 4]).index([
        [2, 0],
        [-1, 1],
      ]),
    shape: [2],
    want: [11, 1],
  },
  {
    name: 'a list of booleans is a mask',
    run: (d) => ar(d, [3, 4]).index([':', [true, false, false, true]]),
    shape: [3, 2],
    want: [
      [0, 3],
      [4, 7],
      [8, 11],
    ],
  },
  { name: 'an int32 tensor', run: (d) => torch.tensor([5, 6, 7], { device: d, dtype: 'int32' }).index([it32(d, [2, 2, 0])]), shape: [3], want: [7, 7, 5] },
];

interface GradCase {
  name: string;
  shape: number[];
  run: (x: Tensor, d: Device) => Tensor;
  /** The gradient of x for run(x) weighted by 1, 2, 3, ... (row-major) and summed. */
  want: Nested;
}

const gradCases: GradCase[] = [
  {
    name: 'duplicate rows accumulate',
    shape: [3, 2],
    run: (x, d) => x.index([it32(d, [0, 2, 0])]),
    want: [
      [6, 8],
      [0, 0],
      [3, 4],
    ],
  },
  {
    name: 'rows and cols with duplicates',
    shape: [2, 3],
    run: (x, d) => x.index([it32(d, [1, 1, 0]), it32(d, [2, -1, 0])]),
    want: [
      [3, 0, 0],
      [0, 0, 3],
    ],
  },
  {
    name: 'a mask',
    shape: [2, 3],
    run: (x, d) =>
      x.index(
        mask(d, [
          [0, 1, 1],
          [1, 0, 0],
        ]),
      ),
    want: [
      [0, 1, 2],
      [3, 0, 0],
    ],
  },
  {
    name: 'separated tensors',
    shape: [2, 2, 2],
    run: (x, d) => x.index([it32(d, [1, 1]), ':', it32(d, [0, 1])]),
    want: [
      [
        [0, 0],
        [0, 0],
      ],
      [
        [1, 3],
        [2, 4],
      ],
    ],
  },
  {
    name: 'computed indices',
    shape: [2, 3],
    run: (x, d) => x.index([computed(d, [0, 0]), computed(d, [2, 2])]),
    want: [
      [0, 0, 3],
      [0, 0, 0],
    ],
  },
];

async function weightedGrad(x: Tensor, out: Tensor): Promise<unknown> {
  const w = torch
    .arange(1, out.numel() + 1, 1, { device: x.device })
    .to('float32')
    .reshape(out.shape);
  out.mul(w).sum().backward();
  return x.grad!.tolist();
}

describe.each(devices)('advanced indexing on %s', (d) => {
  it.each(readCases)('$name', async ({ run, shape, want }) => {
    const out = run(d);
    expect(out.shape).toEqual(shape);
    expectClose(await out.tolist(), want);
  });

  it.each(gradCases)('gradient: $name', async ({ shape, run, want }) => {
    const x = ar(d, shape, true);
    expectClose(await weightedGrad(x, run(x, d)), want);
  });

  it('errors: an out-of-range index, a mask of the wrong shape, a float index, too many indices, unbroadcastable indices', () => {
    const x = ar(d, [3, 4]);
    expect(() => x.index([it32(d, [1, 3])])).toThrow(/index: index 3 is out of bounds for dimension 0 with size 3/);
    expect(() => x.index([':', it32(d, [-5])])).toThrow(/index -5 is out of bounds for dimension 1 with size 4/);
    expect(() => x.index(mask(d, [1, 0]))).toThrow(/shape of the mask \[2\] at index 0 does not match the shape of the indexed tensor \[3, 4\] at index 0/);
    expect(() => x.index([t(d, [0, 1])])).toThrow(/index tensors must be int32 \(indices\) or bool \(masks\), got float32/);
    expect(() => x.index([0, 0, 0])).toThrow(/too many indices for a tensor of 2 dimensions/);
    expect(() => x.index([mask(d, [[1, 0, 0, 0]])])).toThrow(/the mask \[1, 4\] at index 0 does not match/);
    expect(() => x.index([it32(d, [0, 1]), it32(d, [0, 1, 2])])).toThrow(/index: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => x.index(['0, 1'])).toThrow(/one per list item/);
    expect(() => x.index([[0.5]])).toThrow(/list indices must be integers or booleans/);
  });

  it('an out-of-range index computed on the device is an error naming the op, dim, size and value', async () => {
    const x = ar(d, [3, 4]);
    const bad = torch.arange(0, 2, 1, { device: d, dtype: 'int32' }).add(10);
    if (d === 'cpu') {
      // The CPU has the values: the error comes where the op is called.
      expect(() => x.index([bad])).toThrow(/index: index 10 is out of bounds for dimension 0 with size 3/);
      return;
    }
    const out = x.index([bad]);
    await expect(out.data()).rejects.toThrow(
      /index: index 1[01] is out of bounds for dimension 0 with size 3 \(found on the GPU by the gather kernel of 'index'/,
    );
    // Reported once: later reads work.
    expectClose(await x.index([it32(d, [1])]).tolist(), [[4, 5, 6, 7]]);
    // Several indices: the bad one is reported against its own dim.
    const y = x.index([computed(d, [0, 1]), bad.sub(5)]);
    await expect(torch.synchronize()).rejects.toThrow(/index: index [56] is out of bounds for dimension 1 with size 4/);
    expect(y.shape).toEqual([2]);
    const g = x.gather(1, torch.arange(0, 3, 1, { device: d, dtype: 'int32' }).add(4).reshape([3, 1]));
    await expect(g.data()).rejects.toThrow(/gather: index [456] is out of bounds for dimension 1 with size 4/);
    const s = scatterAdd(torch.zeros([3], { device: d }), 0, bad.sub(14), t(d, [1, 1]));
    await expect(s.data()).rejects.toThrow(/scatterAdd: index -4 is out of bounds for dimension 0 with size 3/);
  });

  it('a mask computed on the GPU is an error that says what to do', async () => {
    const x = ar(d, [3, 4]);
    const m = x.gt(5);
    if (d === 'cpu') {
      expectClose(await x.index(m).tolist(), [6, 7, 8, 9, 10, 11]);
      return;
    }
    expect(() => x.index(m)).toThrow(/on the GPU only \(computed there.*await m\.data\(\).*maskedFill/);
    const host = m.cpu();
    await host.data();
    expectClose(await x.index(host).tolist(), [6, 7, 8, 9, 10, 11]);
  });
});

describe.runIf(devices.includes('webgpu'))('a bad index that reaches the CPU later', () => {
  it('is raised by the next read, as the GPU does', async () => {
    const arriving = torch.tensor([1, 7], { device: 'webgpu', dtype: 'int32' }).add(0).cpu();
    const x = ar('cpu', [3, 4]);
    const out = x.index([arriving]);
    await expect(out.data()).rejects.toThrow(/index: index 7 is out of bounds for dimension 0 with size 3/);
    expectClose(await x.index([it32('cpu', [0])]).tolist(), [[0, 1, 2, 3]]);
  });
});
