/** The errors of the composite ops (einsum.ts, distance.ts, scatter.ts, unfold.ts, shape-composites.ts) on every device: each names what was wrong. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch } from '../index';
import { testDevices } from '../testing/devices';
import { it32, M, t } from '../testing/nested-close';

const devices = await testDevices();
const A = [
  [1, 2],
  [3, 4],
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

describe.each(devices)('composite op errors on %s', (device) => {
  it.each(errorCases)('$name', ({ run, message }) => {
    expect(() => run(device)).toThrow(message);
  });
});
