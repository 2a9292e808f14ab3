/** baddbmm and cdist: composite ops of API.md §5 built from matmul and elementwise ops. */
import { isFloating } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { broadcastShapes } from '../core/shape';
import type { Tensor } from '../tensor';
import { where } from './elementwise';
import { matmul } from './linalg';
import { assertLive, commonDevice } from './make';
import { reduce } from './reduce';

/** Options of baddbmm: out = beta * input + alpha * (batch1 @ batch2). */
export interface BaddbmmOptions {
  beta?: number;
  alpha?: number;
}

/** beta * input + alpha * batch1 @ batch2 for 3-D batches [B, N, M] @ [B, M, P]; input broadcasts to [B, N, P] (PyTorch's baddbmm). */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts: BaddbmmOptions = {}): Tensor {
  const op = 'baddbmm';
  for (const [name, t] of [
    ['input', input],
    ['batch1', batch1],
    ['batch2', batch2],
  ] as const) {
    if (typeof t !== 'object' || t === null || typeof t.shape !== 'object') fail(op, `${name} must be a tensor`);
  }
  assertLive(op, [input, batch1, batch2]);
  commonDevice(op, [input, batch1, batch2]);
  const { beta = 1, alpha = 1 } = opts;
  if (batch1.ndim !== 3) fail(op, `batch1 must be a 3D tensor, got shape ${fmtShape(batch1.shape)}`);
  if (batch2.ndim !== 3) fail(op, `batch2 must be a 3D tensor, got shape ${fmtShape(batch2.shape)}`);
  const [b, n, m] = batch1.shape;
  const [b2, m2, p] = batch2.shape;
  if (b !== b2) fail(op, `batch1 and batch2 must have the same number of batches, got ${b} and ${b2}`);
  if (m !== m2) fail(op, `incompatible matrix sizes for bmm (${n}x${m} and ${m2}x${p})`);
  if (input.dtype !== batch1.dtype || batch1.dtype !== batch2.dtype)
    fail(op, `expected input, batch1 and batch2 of one dtype, got ${input.dtype}, ${batch1.dtype} and ${batch2.dtype}`);
  const shape = [b, n, p];
  const joined = broadcastShapes(op, input.shape, shape);
  if (joined.length !== 3 || joined.some((s, k) => s !== shape[k]))
    fail(op, `input ${fmtShape(input.shape)} cannot be broadcast to the product's shape ${fmtShape(shape)}`);
  const product = matmul(batch1, batch2);
  const scaled = alpha === 1 ? product : product.mul(alpha);
  // beta = 0 ignores input (its NaNs and infinities do not propagate), as PyTorch's.
  if (beta === 0) return scaled;
  return scaled.add(beta === 1 ? input : input.mul(beta));
}

/** Options of cdist: the p-norm (2 by default; 0, 1, Infinity and any p >= 0). */
export interface CdistOptions {
  p?: number;
  /**
   * For p = 2, as PyTorch's: 'use_mm_for_euclid_dist_if_necessary' (the default: a matmul when
   * either side has more than 25 rows), 'use_mm_for_euclid_dist' (always), 'donot_use_mm_for_euclid_dist' (never).
   */
  computeMode?: 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist';
}

/** The p-norm distance between each row of x1 [..., P, M] and each row of x2 [..., R, M]: [..., P, R] (PyTorch's cdist). */
export function cdist(x1: Tensor, x2: Tensor, opts: CdistOptions = {}): Tensor {
  const op = 'cdist';
  if (typeof x1 !== 'object' || x1 === null || typeof x2 !== 'object' || x2 === null) fail(op, 'x1 and x2 must be tensors');
  assertLive(op, [x1, x2]);
  commonDevice(op, [x1, x2]);
  const p = opts.p ?? 2;
  if (typeof p !== 'number' || Number.isNaN(p) || p < 0) fail(op, `only supports non-negative p values, got ${p}`);
  if (x1.ndim < 2) fail(op, `only supports at least 2D tensors, x1 got ${x1.ndim}D (shape ${fmtShape(x1.shape)})`);
  if (x2.ndim < 2) fail(op, `only supports at least 2D tensors, x2 got ${x2.ndim}D (shape ${fmtShape(x2.shape)})`);
  if (!isFloating(x1.dtype) || x1.dtype !== x2.dtype) fail(op, `expected floating tensors of one dtype, got ${x1.dtype} and ${x2.dtype}`);
  const m1 = x1.shape[x1.ndim - 1];
  const m2 = x2.shape[x2.ndim - 1];
  if (m1 !== m2) fail(op, `x1 and x2 must have the same number of columns, got x1 ${fmtShape(x1.shape)} (${m1}) and x2 ${fmtShape(x2.shape)} (${m2})`);
  broadcastShapes(`${op} (batch dims of ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)})`, x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  const mode = opts.computeMode ?? 'use_mm_for_euclid_dist_if_necessary';
  if (!['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'].includes(mode))
    fail(op, `computeMode must be 'use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist' or 'donot_use_mm_for_euclid_dist', got '${mode}'`);
  const rows = Math.max(x1.shape[x1.ndim - 2], x2.shape[x2.ndim - 2]);
  if (p === 2 && (mode === 'use_mm_for_euclid_dist' || (mode === 'use_mm_for_euclid_dist_if_necessary' && rows > 25))) {
    // |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, one matmul instead of a [..., P, R, M] difference.
    const n1 = reduce('sum', x1.square(), [x1.ndim - 1], true);
    const n2 = reduce('sum', x2.square(), [x2.ndim - 1], true).transpose(-1, -2);
    const squared = n1
      .add(n2)
      .sub(matmul(x1, x2.transpose(-1, -2)).mul(2))
      .clamp(0);
    return safeRoot(squared, 2);
  }
  const diff = x1.unsqueeze(-2).sub(x2.unsqueeze(-3)); // [..., P, R, M]
  const last = diff.ndim - 1;
  if (p === 0) return reduce('sum', diff.ne(0).to(x1.dtype), [last], false);
  if (p === 1) return reduce('sum', diff.abs(), [last], false);
  if (p === Infinity) return diff.abs().amax(last);
  const powered = p === 2 ? diff.square() : diff.abs().pow(p);
  return safeRoot(reduce('sum', powered, [last], false), p);
}

/** total^(1/p) whose gradient is 0 where total is 0 (the root's is infinite there): PyTorch's cdist gives 0 at zero distance. */
function safeRoot(total: Tensor, p: number): Tensor {
  const zero = total.eq(0);
  const safe = where(zero, 1, total);
  return where(zero, 0, p === 2 ? safe.sqrt() : safe.pow(1 / p));
}
