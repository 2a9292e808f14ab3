/** Values of the composite ops (their errors: composite-ops-errors.test.ts) (einsum.ts, distance.ts, scatter.ts, unfold.ts, shape-composites.ts), on every device. */
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
  shape?: number[];
}

const A = [
  [1, 2],
  [3, 4],
];

const valueCases: ValueCase[] = [
  // einsum
  { name: 'einsum matmul', run: (d) => torch.einsum('ij,jk->ik', t(d, A), t(d, [[5], [6]])), want: [[17], [39]] },
  {
    name: 'einsum implicit output is the letters used once, sorted',
    run: (d) => torch.einsum('ji', t(d, A)),
    want: [
      [1, 3],
      [2, 4],
    ],
  },
  { name: 'einsum trace', run: (d) => torch.einsum('ii->', t(d, M)), want: 15 },
  { name: 'einsum diagonal', run: (d) => torch.einsum('ii->i', t(d, M)), want: [1, 5, 9] },
  { name: 'einsum sum of all', run: (d) => torch.einsum('ij->', t(d, A)), want: 10 },
  {
    name: 'einsum outer product',
    run: (d) => torch.einsum('i,j->ij', t(d, [1, 2]), t(d, [3, 4, 5])),
    want: [
      [3, 4, 5],
      [6, 8, 10],
    ],
  },
  { name: 'einsum dot product', run: (d) => torch.einsum('i,i->', t(d, [1, 2, 3]), t(d, [4, 5, 6])), want: 32 },
  {
    name: 'einsum batched matmul',
    run: (d) =>
      torch.einsum(
        'bij,bjk->bik',
        t(d, [A, A]),
        t(d, [
          [[1], [1]],
          [[2], [0]],
        ]),
      ),
    want: [
      [[3], [7]],
      [[2], [6]],
    ],
  },
  {
    name: 'einsum with a broadcast ellipsis',
    run: (d) => torch.einsum('...ij,jk->...ik', t(d, [A, A]), t(d, [[1], [0]])),
    want: [
      [[1], [3]],
      [[1], [3]],
    ],
  },
  { name: 'einsum of three operands, left to right', run: (d) => torch.einsum('i,ij,j->', t(d, [1, 1]), t(d, A), t(d, [1, 2])), want: 1 + 4 + 3 + 8 },
  {
    name: 'einsum takes an array of operands',
    run: (d) => torch.einsum('ij,jk', [t(d, A), t(d, A)]),
    want: [
      [7, 10],
      [15, 22],
    ],
  },
  {
    name: 'einsum of int32 operands',
    run: (d) => torch.einsum('ij,jk->ik', it32(d, A), it32(d, A)),
    want: [
      [7, 10],
      [15, 22],
    ],
    dtype: 'int32',
  },
  // baddbmm
  {
    name: 'baddbmm with beta and alpha',
    run: (d) => torch.baddbmm(t(d, [[[1]]]), t(d, [[[1, 2]]]), t(d, [[[3], [4]]]), { beta: 2, alpha: 0.5 }),
    want: [[[7.5]]],
  },
  {
    name: 'baddbmm broadcasts input',
    run: (d) => t(d, [1, -1]).baddbmm(t(d, [[[1], [2]]]), t(d, [[[1, 1]]])),
    want: [
      [
        [2, 0],
        [3, 1],
      ],
    ],
  },
  { name: 'baddbmm with beta 0 ignores NaN in input', run: (d) => torch.baddbmm(t(d, [[NaN]]), t(d, [[[2]]]), t(d, [[[3]]]), { beta: 0 }), want: [[[6]]] },
  // scatter
  {
    name: 'scatter along dim 1',
    run: (d) =>
      t(d, [
        [0, 0, 0],
        [0, 0, 0],
      ]).scatter(1, it32(d, [[2], [0]]), t(d, [[5], [6]])),
    want: [
      [0, 0, 5],
      [6, 0, 0],
    ],
  },
  {
    name: 'scatter along dim 0 with negative indices',
    run: (d) =>
      t(d, [
        [1, 1],
        [1, 1],
      ]).scatter(0, it32(d, [[-1, 0]]), t(d, [[7, 8]])),
    want: [
      [1, 8],
      [7, 1],
    ],
  },
  { name: 'scatter a number', run: (d) => torch.scatter(t(d, [1, 2, 3]), 0, it32(d, [0, 2]), 9), want: [9, 2, 9] },
  { name: 'scatter into int32', run: (d) => it32(d, [1, 2, 3]).scatter(0, it32(d, [1]), it32(d, [7])), want: [1, 7, 3], dtype: 'int32' },
  {
    name: 'scatter into bool',
    run: (d) => torch.zeros([3], { device: d, dtype: 'bool' }).scatter(0, it32(d, [2]), true),
    want: [false, false, true],
    dtype: 'bool',
  },
  { name: 'scatter src larger than index', run: (d) => t(d, [0, 0, 0]).scatter(0, it32(d, [1]), t(d, [4, 5])), want: [0, 4, 0] },
  { name: 'scatterAdd with duplicates', run: (d) => t(d, [0, 0, 0]).scatterAdd(0, it32(d, [1, 1, 2]), t(d, [1, 2, 3])), want: [0, 3, 3] },
  { name: 'scatterAdd a number', run: (d) => torch.scatterAdd(t(d, [0, 0]), 0, it32(d, [1, 1]), 2), want: [0, 4] },
  // unfold
  {
    name: 'unfold overlapping windows',
    run: (d) => t(d, [1, 2, 3, 4, 5]).unfold(0, 2, 1),
    want: [
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ],
  },
  {
    name: 'unfold with step drops the tail',
    run: (d) => t(d, [1, 2, 3, 4, 5]).unfold(0, 2, 2),
    want: [
      [1, 2],
      [3, 4],
    ],
  },
  {
    name: 'unfold along dim 0 of a matrix',
    run: (d) => t(d, M).unfold(0, 2, 1),
    want: [
      [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
      [
        [4, 7],
        [5, 8],
        [6, 9],
      ],
    ],
  },
  { name: 'unfold of a 0-d tensor', run: (d) => t(d, 3).unfold(0, 1, 1), want: [3] },
  // rot90
  {
    name: 'rot90 once',
    run: (d) => t(d, A).rot90(),
    want: [
      [2, 4],
      [1, 3],
    ],
  },
  {
    name: 'rot90 twice',
    run: (d) => torch.rot90(t(d, A), 2),
    want: [
      [4, 3],
      [2, 1],
    ],
  },
  {
    name: 'rot90 -1 is three times',
    run: (d) => t(d, A).rot90(-1),
    want: [
      [3, 1],
      [4, 2],
    ],
  },
  {
    name: 'rot90 with reversed dims turns the other way',
    run: (d) => t(d, A).rot90(1, [1, 0]),
    want: [
      [3, 1],
      [4, 2],
    ],
  },
  { name: 'rot90 0 times is a copy', run: (d) => t(d, A).rot90(4), want: A },
  // repeatInterleave
  { name: 'repeatInterleave a number, flattened', run: (d) => t(d, A).repeatInterleave(2), want: [1, 1, 2, 2, 3, 3, 4, 4] },
  {
    name: 'repeatInterleave along dim 1',
    run: (d) => t(d, A).repeatInterleave(2, { dim: 1 }),
    want: [
      [1, 1, 2, 2],
      [3, 3, 4, 4],
    ],
  },
  {
    name: 'repeatInterleave a tensor of repeats',
    run: (d) => t(d, A).repeatInterleave(it32(d, [0, 3]), { dim: 0 }),
    want: [
      [3, 4],
      [3, 4],
      [3, 4],
    ],
  },
  { name: 'repeatInterleave one repeat tensor broadcasts', run: (d) => t(d, [1, 2]).repeatInterleave(it32(d, [2])), want: [1, 1, 2, 2] },
  { name: 'repeatInterleave with outputSize', run: (d) => t(d, [1, 2]).repeatInterleave(it32(d, [1, 2]), { dim: 0, outputSize: 3 }), want: [1, 2, 2] },
  { name: 'torch.repeatInterleave(repeats) repeats the indices', run: (d) => torch.repeatInterleave(it32(d, [2, 0, 1])), want: [0, 0, 2], dtype: 'int32' },
  // meshgrid
  {
    name: 'meshgrid ij',
    run: (d) => torch.meshgrid([t(d, [1, 2]), t(d, [3, 4, 5])], { indexing: 'ij' })[1],
    want: [
      [3, 4, 5],
      [3, 4, 5],
    ],
  },
  {
    name: 'meshgrid xy swaps the first two dims',
    run: (d) => torch.meshgrid([t(d, [1, 2]), t(d, [3, 4, 5])], { indexing: 'xy' })[0],
    want: [
      [1, 2],
      [1, 2],
      [1, 2],
    ],
  },
  { name: 'meshgrid of three, a 0-d among them', run: (d) => torch.meshgrid([t(d, [1, 2]), t(d, 7), t(d, [0, 1])])[1], want: [[[7, 7]], [[7, 7]]] },
  {
    name: 'meshgrid with tensors as separate arguments',
    run: (d) => torch.meshgrid(t(d, [1, 2]), t(d, [3, 4, 5]), { indexing: 'xy' })[1],
    want: [
      [3, 3],
      [4, 4],
      [5, 5],
    ],
  },
  // cdist
  {
    name: 'cdist p=2',
    run: (d) =>
      torch.cdist(
        t(d, [
          [0, 0],
          [3, 4],
        ]),
        t(d, [
          [0, 0],
          [6, 8],
        ]),
      ),
    want: [
      [0, 10],
      [5, 5],
    ],
  },
  { name: 'cdist p=1', run: (d) => torch.cdist(t(d, [[0, 0]]), t(d, [[1, -2]]), { p: 1 }), want: [[3]] },
  { name: 'cdist p=inf', run: (d) => torch.cdist(t(d, [[0, 0]]), t(d, [[1, -2]]), { p: Infinity }), want: [[2]] },
  { name: 'cdist p=0 counts differing coordinates', run: (d) => torch.cdist(t(d, [[0, 0]]), t(d, [[1, 0]]), { p: 0 }), want: [[1]] },
  { name: 'cdist p=3', run: (d) => torch.cdist(t(d, [[0, 0]]), t(d, [[1, 2]]), { p: 3 }), want: [[Math.cbrt(9)]] },
  {
    name: 'cdist batched',
    run: (d) =>
      torch.cdist(
        t(d, [[[0]], [[1]]]),
        t(d, [
          [[2], [3]],
          [[2], [3]],
        ]),
      ),
    want: [[[2, 3]], [[1, 2]]],
  },
  {
    name: 'cdist through a matmul (computeMode)',
    run: (d) =>
      torch.cdist(
        t(d, [
          [0, 0],
          [3, 4],
        ]),
        t(d, [
          [0, 0],
          [6, 8],
        ]),
        { computeMode: 'use_mm_for_euclid_dist' },
      ),
    want: [
      [0, 10],
      [5, 5],
    ],
  },
  { name: 'cdist uses a matmul past 25 rows, as PyTorch', run: (d) => torch.cdist(torch.zeros([30, 2], { device: d }), t(d, [[3, 4]])).sum(), want: 150 },
  // searchsorted
  { name: 'searchsorted left', run: (d) => torch.searchsorted(t(d, [1, 3, 5, 7]), t(d, [0, 3, 6, 9])), want: [0, 1, 3, 4], dtype: 'int32' },
  { name: 'searchsorted right', run: (d) => torch.searchsorted(t(d, [1, 3, 3, 5]), t(d, [3, 4]), { right: true }), want: [3, 3], dtype: 'int32' },
  { name: "searchsorted side: 'right'", run: (d) => torch.searchsorted(t(d, [1, 3]), t(d, [[1], [3]]), { side: 'right' }), want: [[1], [2]], dtype: 'int32' },
  {
    name: 'searchsorted rows',
    run: (d) =>
      torch.searchsorted(
        t(d, [
          [1, 2, 3],
          [10, 20, 30],
        ]),
        t(d, [[2.5], [5]]),
      ),
    want: [[2], [0]],
    dtype: 'int32',
  },
  { name: 'searchsorted of int32', run: (d) => torch.searchsorted(it32(d, [1, 3, 5]), it32(d, [4])), want: [2], dtype: 'int32' },
  { name: 'searchsorted of a number', run: (d) => torch.searchsorted(t(d, [1, 3, 5]), 4), want: 2, dtype: 'int32' },
];

describe.each(devices)('composite ops on %s', (device) => {
  it.each(valueCases)('$name', async ({ run, want, dtype }) => {
    const out = run(device);
    if (dtype) expect(out.dtype).toBe(dtype);
    expectClose(await out.tolist(), want);
  });

  it('unfold is a view sharing storage, with overlapping strides', () => {
    const x = t(device, [1, 2, 3, 4]);
    const w = x.unfold(0, 3, 1);
    expect(w.storageRef).toBe(x.storageRef);
    expect(w.shape).toEqual([2, 3]);
    expect(w.strides).toEqual([1, 1]);
  });

  it('meshgrid outputs are expanded views of the inputs', () => {
    const a = t(device, [1, 2]);
    const [ga] = torch.meshgrid([a, t(device, [3, 4, 5])]);
    expect(ga.storageRef).toBe(a.storageRef);
    expect(ga.strides).toEqual([1, 0]);
  });

  it('einsum contracts two operands with one matmul kernel', () => {
    const a = torch.randn([2, 3, 4], { device });
    const b = torch.randn([2, 4, 5], { device });
    const before = torch.stats().kernels;
    torch.einsum('bij,bjk->bik', a, b);
    expect(torch.stats().kernels - before).toBe(1);
  });
});

describe.each(devices)('composite ops under torch.compile on %s', (device) => {
  it('scatter and searchsorted trace into the graph and replay as eager', async () => {
    const fn = (x: Tensor, src: Tensor, index: Tensor) => torch.searchsorted(x.scatter(1, index, src).cumsum(1), src, { right: true });
    const index = it32(device, [[2], [0]]);
    const compiled = torch.compile(fn);
    for (const seed of [1, 2]) {
      const x = torch.rand([2, 4], { device, generator: new torch.Generator().manualSeed(seed) });
      const src = torch.rand([2, 1], { device, generator: new torch.Generator().manualSeed(seed + 10) });
      expect(await compiled(x, src, index).tolist()).toEqual(await fn(x, src, index).tolist());
    }
    const kernels = (
      await torch.explain(
        fn,
        t(device, [
          [1, 2],
          [3, 4],
        ]),
        t(device, [[1], [2]]),
        it32(device, [[1], [0]]),
      )
    ).kernels.flat();
    expect(kernels).toEqual(expect.arrayContaining(['scatter', 'searchsorted']));
  });
});

describe('repeatInterleave with repeats only on the GPU', () => {
  it.runIf(devices.includes('webgpu'))('needs outputSize, and uses it without reading the repeats back', async () => {
    const repeats = it32('webgpu', [1, 2, 0, 3]).add(0); // computed on the GPU: no host values
    const x = t('webgpu', [10, 20, 30, 40]);
    expect(() => x.repeatInterleave(repeats)).toThrow('pass { outputSize }');
    expectClose(await x.repeatInterleave(repeats, { outputSize: 6 }).tolist(), [10, 20, 20, 40, 40, 40]);
  });
});
