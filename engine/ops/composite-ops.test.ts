/** Values and errors of the composite ops (einsum.ts, distance.ts, scatter.ts, unfold.ts, shape-composites.ts), on every device. */
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

interface ErrorCase {
  name: string;
  run: (d: Device) => unknown;
  message: string | RegExp;
}

const errorCases: ErrorCase[] = [
  {
    name: 'einsum with too few tensors',
    run: (d) => torch.einsum('ij,jk->ik', t(d, A)),
    message: "einsum: equation 'ij,jk->ik' has 2 operands but 1 tensor was given",
  },
  {
    name: 'einsum subscripts not matching ndim',
    run: (d) => torch.einsum('ijk->i', t(d, A)),
    message: "einsum: operand 0 has 3 subscripts ('ijk') but 2 dimensions (shape [2, 2])",
  },
  {
    name: 'einsum size mismatch',
    run: (d) => torch.einsum('ij,jk', t(d, A), t(d, M)),
    message: "einsum: subscript 'j' has size 2 in operand 0 but size 3 in operand 1",
  },
  { name: 'einsum output letter not in inputs', run: (d) => torch.einsum('ij->ik', t(d, A)), message: "output subscript 'k' does not appear in any operand" },
  { name: 'einsum repeated output letter', run: (d) => torch.einsum('ij->ii', t(d, A)), message: "output subscript 'i' appears more than once" },
  { name: 'einsum bad character', run: (d) => torch.einsum('i2', t(d, A)), message: "invalid character '2'" },
  { name: 'einsum two ellipses', run: (d) => torch.einsum('...i...', t(d, A)), message: 'more than one ellipsis' },
  {
    name: 'einsum diagonal of different sizes',
    run: (d) => torch.einsum('ii', t(d, [[1, 2, 3]])),
    message: "subscript 'i' is repeated in operand 0 for dimensions of different sizes 1 and 3",
  },
  { name: 'baddbmm 2-D batch1', run: (d) => torch.baddbmm(t(d, A), t(d, A), t(d, [A])), message: 'baddbmm: batch1 must be a 3D tensor, got shape [2, 2]' },
  { name: 'baddbmm batch counts', run: (d) => torch.baddbmm(t(d, A), t(d, [A]), t(d, [A, A])), message: 'must have the same number of batches, got 1 and 2' },
  { name: 'baddbmm inner sizes', run: (d) => torch.baddbmm(t(d, A), t(d, [A]), t(d, [M])), message: 'incompatible matrix sizes for bmm (2x2 and 3x3)' },
  { name: 'baddbmm input shape', run: (d) => torch.baddbmm(t(d, [1, 2, 3]), t(d, [A]), t(d, [A])), message: 'baddbmm' },
  {
    name: 'scatter index out of range',
    run: (d) => t(d, [1, 2]).scatter(0, it32(d, [2]), 0),
    message: 'scatter: index 2 is out of bounds for dimension 0 of size 2',
  },
  { name: 'scatter into a 0-d tensor', run: (d) => t(d, 1).scatter(0, it32(d, 0), 2), message: 'scatter: the input must have at least one dimension' },
  { name: 'scatter float index', run: (d) => t(d, [1, 2]).scatter(0, t(d, [0]), 0), message: 'scatter: index must be an int32 tensor, got float32' },
  {
    name: 'scatter index rank',
    run: (d) => t(d, A).scatter(0, it32(d, [0]), 0),
    message: 'scatter: index [1] and input [2, 2] must have the same number of dimensions',
  },
  {
    name: 'scatter index larger than src',
    run: (d) => t(d, [0, 0, 0]).scatter(0, it32(d, [0, 1]), t(d, [1])),
    message: 'scatter: index [2] is larger than src [1] at dimension 0',
  },
  { name: 'scatter src dtype', run: (d) => t(d, [0, 0]).scatter(0, it32(d, [0]), it32(d, [1])), message: 'scatter: src (int32) must have the input' },
  {
    name: 'scatterAdd index out of range',
    run: (d) => t(d, [1, 2]).scatterAdd(0, it32(d, [-3]), t(d, [1])),
    message: 'scatterAdd: index -3 is out of bounds for dimension 0 of size 2',
  },
  { name: 'unfold size too large', run: (d) => t(d, [1, 2]).unfold(0, 3, 1), message: 'unfold: maximum size for tensor at dimension 0 is 2 but size is 3' },
  { name: 'unfold step 0', run: (d) => t(d, [1, 2]).unfold(0, 1, 0), message: 'unfold: step must be a positive integer, got 0' },
  { name: 'rot90 one dim', run: (d) => t(d, A).rot90(1, [0]), message: 'rot90: expected total rotation dims == 2, but got dims = 1' },
  { name: 'rot90 same dims', run: (d) => t(d, A).rot90(1, [1, -1]), message: 'rot90: expected rotation dims to be different, but got dim0 = 1 and dim1 = 1' },
  { name: 'rot90 of a vector', run: (d) => t(d, [1]).rot90(), message: 'rot90: expected total dims >= 2, but got total dims = 1' },
  {
    name: 'repeatInterleave negative',
    run: (d) => t(d, [1]).repeatInterleave(it32(d, [-1])),
    message: 'repeatInterleave: repeats can not be negative (got -1)',
  },
  {
    name: 'repeatInterleave length mismatch',
    run: (d) => t(d, [1, 2, 3]).repeatInterleave(it32(d, [1, 2])),
    message: 'repeats must have the same size as input along dim 0, but got repeats.size(0) = 2 and input.size(0) = 3',
  },
  { name: 'repeatInterleave float repeats', run: (d) => t(d, [1]).repeatInterleave(t(d, [1])), message: 'repeats must be an int32 tensor, got float32' },
  {
    name: 'repeatInterleave wrong outputSize',
    run: (d) => t(d, [1, 2]).repeatInterleave(it32(d, [1, 1]), { outputSize: 3 }),
    message: 'outputSize 3 does not match the sum of the repeats, 2',
  },
  { name: 'meshgrid of a matrix', run: (d) => torch.meshgrid([t(d, A)]), message: 'meshgrid: expected 0D or 1D tensors, but tensor 0 has shape [2, 2]' },
  { name: 'meshgrid bad indexing', run: (d) => torch.meshgrid([t(d, [1])], { indexing: 'yx' as 'xy' }), message: "indexing must be 'ij' or 'xy', got 'yx'" },
  { name: 'cdist columns', run: (d) => torch.cdist(t(d, A), t(d, M)), message: 'cdist: x1 and x2 must have the same number of columns' },
  { name: 'cdist 1-D', run: (d) => torch.cdist(t(d, [1]), t(d, A)), message: 'cdist: only supports at least 2D tensors, x1 got 1D' },
  { name: 'cdist bad computeMode', run: (d) => torch.cdist(t(d, A), t(d, A), { computeMode: 'fast' as never }), message: 'cdist: computeMode must be' },
  { name: 'cdist negative p', run: (d) => torch.cdist(t(d, A), t(d, A), { p: -1 }), message: 'cdist: only supports non-negative p values, got -1' },
  {
    name: 'searchsorted leading dims',
    run: (d) => torch.searchsorted(t(d, [A]), t(d, [[1]])),
    message: 'searchsorted: boundaries [1, 2, 2] and values [1, 1] must have the same leading dimensions',
  },
];

describe.each(devices)('composite ops on %s', (device) => {
  it.each(valueCases)('$name', async ({ run, want, dtype }) => {
    const out = run(device);
    if (dtype) expect(out.dtype).toBe(dtype);
    expectClose(await out.tolist(), want);
  });

  it.each(errorCases)('error: $name', ({ run, message }) => {
    expect(() => run(device)).toThrow(message);
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
