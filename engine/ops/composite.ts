/** Ops derived from the primitives, as tinygrad derives them: no kernels or gradients of their own. */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { normalizeDim, normalizeDims, numel } from '../core/shape';
import { withGradMode } from '../core/runtime';
import type { Tensor } from '../tensor';
import { binary, unary, where } from './elementwise';
import { argReduce, reduce, type Dims } from './reduce';
import { rowSoftmax, rowSoftmaxApplies } from './row-softmax';

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) fail('mean', `could not infer output dtype: input dtype must be floating, got ${x.dtype} (use x.float().mean())`);
  const dims = normalizeDims('mean', dim, x.ndim);
  const count = numel(dims.map((d) => x.shape[d]));
  return binary('div', reduce('sum', x, dims, keepdim), count);
}

export interface VarOptions {
  correction?: number;
}

export function variance(x: Tensor, dim?: Dims, keepdim = false, opts: VarOptions = {}): Tensor {
  if (!isFloating(x.dtype)) fail('var', `expected a floating tensor, got ${x.dtype}`);
  const dims = normalizeDims('var', dim, x.ndim);
  const count = numel(dims.map((d) => x.shape[d]));
  const correction = opts.correction ?? 1;
  const centered = binary('sub', x, mean(x, dims, true));
  return binary('div', reduce('sum', unary('square', centered), dims, keepdim), Math.max(count - correction, 0));
}

export function std(x: Tensor, dim?: Dims, keepdim = false, opts: VarOptions = {}): Tensor {
  return unary('sqrt', variance(x, dim, keepdim, opts));
}

/** log(sum(exp(x))) computed around the max, so large inputs do not overflow. */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  const dims = normalizeDims('logsumexp', dim, x.ndim);
  const m = withGradMode(false, () => {
    const mx = reduce('max', x.ndim === 0 ? x : x, dims, true);
    return where(unary('abs', mx).eq(Infinity), 0, mx);
  });
  const s = reduce('sum', unary('exp', binary('sub', x, m)), dims, true);
  const out = binary('add', unary('log', s), m);
  return keepdim ? out : out.squeeze(dims);
}

export function softmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('softmax', dim, x.ndim);
  if (rowSoftmaxApplies(x)) return rowSoftmax(x, d, false);
  const m = withGradMode(false, () => reduce('max', x, dim, true));
  const e = unary('exp', binary('sub', x, m));
  return binary('div', e, reduce('sum', e, dim, true));
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('logSoftmax', dim, x.ndim);
  if (rowSoftmaxApplies(x)) return rowSoftmax(x, d, true);
  return binary('sub', x, logsumexp(x, dim, true));
}

export function clamp(x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) fail('clamp', 'at least one of min and max must be given');
  let out = x;
  if (min !== undefined && min !== null) out = binary('maximum', out, min);
  if (max !== undefined && max !== null) out = binary('minimum', out, max);
  return out;
}

export function maxOrMin(op: 'max' | 'min', x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  if (dim === undefined) {
    if (x.numel() === 0) fail(op, `the tensor of shape ${fmtShape(x.shape)} is empty; give a dim to reduce over`);
    return reduce(op, x, undefined, false);
  }
  normalizeDim(op, dim, x.ndim);
  return argReduce(op === 'max' ? 'argmax' : 'argmin', x, dim, keepdim);
}
