/**
 * Running products, maxima and minima along a dim (cumprod, cummax, cummin), by the backend's
 * scan of rows: the dim is moved last as a view and back. cummax/cummin values are recorded as
 * the gather they are (their gradient scatters back through the indices); cumprod has its own rule.
 */
import { isFloating, type DType } from '../core/dtype';
import { fail } from '../core/errors';
import { normalizeDim } from '../core/shape';
import { record } from '../autograd/graph';
import type { ScanOp } from '../backends/backend';
import type { Tensor } from '../tensor';
import { isGradEnabled } from '../core/runtime';
import { arange } from './creation';
import { cast, where } from './elementwise';
import { assertLive, emptyTensor, viewOf } from './make';
import { cumsum } from './reduce';
import { permute } from './views';
import { tapeRecord, tapesOpen } from '../func/tape';

/** The dims of an `ndim`-D tensor in the order that puts `d` last, and the inverse order. */
function orders(ndim: number, d: number): { last: number[]; back: number[] } {
  const last = [...[...Array(ndim).keys()].filter((i) => i !== d), d];
  const back = new Array<number>(ndim);
  last.forEach((src, i) => (back[src] = i));
  return { last, back };
}

/** The backend's scan along dim `d` of `x` (float32 or int32), recording nothing. */
function scanAlong(op: ScanOp, x: Tensor, d: number, withIndices: boolean): { out: Tensor; indices: Tensor | null } {
  const { last, back } = orders(x.ndim, d);
  const source = permute(x, last);
  const out = emptyTensor(x.device, source.shape, x.dtype);
  const indices = withIndices ? emptyTensor(x.device, source.shape, 'int32') : null;
  x.backend.scan(op, viewOf(source), viewOf(out), indices ? viewOf(indices) : undefined);
  return { out: permute(out, back), indices: indices && permute(indices, back) };
}

/** The dtype a scan runs in: floats as they are, ints and bools as int32. */
function scanDtype(x: Tensor): DType {
  return isFloating(x.dtype) ? x.dtype : 'int32';
}

/** The running product along `dim` (ints and bools give int32). */
export function cumprod(x: Tensor, dim: number): Tensor {
  assertLive('cumprod', [x]);
  if (typeof dim !== 'number') fail('cumprod', `expected a dim (a number), got ${JSON.stringify(dim)}`);
  const d = normalizeDim('cumprod', dim, x.ndim);
  const input = x.dtype === scanDtype(x) ? x : cast(x.detach(), scanDtype(x));
  if (x.ndim === 0) return record(input.detach().clone(), 'copy', [x], {});
  return record(scanAlong('prod', input.detach(), d, false).out, 'cumprod', [x], { dim: d });
}

/**
 * cumprod's gradient (PyTorch's, right where the input has zeros): before a row's first zero,
 * the reversed cumulative sum of g * out over x; at the first zero, the reversed cumulative sum of
 * g times the running product with that zero taken as 1; after it, 0.
 */
export function cumprodGrad(g: Tensor, x: Tensor, out: Tensor, dim: number): Tensor {
  if (isGradEnabled()) return cumprodGradDifferentiable(g, x, dim);
  const reverseCumsum = (t: Tensor) => t.flip(dim).cumsum(dim).flip(dim);
  const zero = x.eq(0);
  const zerosSoFar = cumsum(zero.int(), dim);
  const before = zerosSoFar.eq(0);
  const firstZero = zero.logicalAnd(zerosSoFar.eq(1));
  const beforeGrad = reverseCumsum(g.mul(out)).div(where(before, x, 1));
  const withoutZero = cumprod(where(firstZero, 1, x), dim);
  const atZeroGrad = reverseCumsum(g.mul(withoutZero));
  return where(before, beforeGrad, where(firstZero, atZeroGrad, 0));
}

/** cummax/cummin: the running extreme along `dim` and the index it came from (the last among ties; NaN wins). */
export function cumExtreme(op: 'max' | 'min', x: Tensor, dim: number): { values: Tensor; indices: Tensor } {
  const name = `cum${op}`;
  assertLive(name, [x]);
  if (typeof dim !== 'number') fail(name, `expected a dim (a number), got ${JSON.stringify(dim)}`);
  const d = normalizeDim(name, dim, x.ndim);
  if (x.ndim === 0) return { values: record(x.detach().clone(), 'copy', [x], {}), indices: emptyTensor(x.device, [], 'int32', true) };
  const input = x.dtype === 'bool' ? cast(x.detach(), 'int32') : x.detach();
  const r = scanAlong(op, input, d, true);
  const indices = r.indices!;
  const values = x.dtype === 'bool' ? cast(r.out, 'bool') : r.out;
  if (tapesOpen()) tapeRecord('scanIndices', [x], { op, dim: d }, indices);
  return { values: record(values, 'gather', [x], { dim: d, index: indices }), indices };
}

/**
 * cumprod's gradient as a function whose own gradient is right too (for createGraph; the formula
 * above has the right values but, around zeros, not the right derivatives): O(n^2) along the dim,
 * as PyTorch does under grad mode. grad_i = sum over j >= i of g_j times the product of x_m for
 * m <= j but m != i: row i of a matrix is the running product with x_i taken as 1.
 */
function cumprodGradDifferentiable(g: Tensor, x: Tensor, dim: number): Tensor {
  const n = x.shape[dim];
  const xl = x.transpose(dim, -1).unsqueeze(-2);
  const gl = g.transpose(dim, -1).unsqueeze(-2);
  const positions = arange(n, undefined, 1, { device: x.device, dtype: 'int32' });
  const rows = positions.unsqueeze(1);
  const withoutI = cumprod(where(rows.eq(positions), 1, xl), -1);
  const grad = where(rows.le(positions), withoutI.mul(gl), 0).sum(-1);
  return grad.transpose(dim, -1);
}
