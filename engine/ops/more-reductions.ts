/**
 * Reductions, triangles, diagonals, rolls and matrix products of PyTorch's wider surface, derived
 * from the primitives: their gradients come from the primitives' rules.
 */
import { isFloating, type Device } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { normalizeDim, normalizeDims } from '../core/shape';
import type { Tensor } from '../tensor';
import { arange, full } from './creation';
import { binary, unary, where } from './elementwise';
import { matmul } from './linalg';
import { reduce, type Dims } from './reduce';
import { cat, narrow, reshape, unsqueeze } from './views';

/** Whether any element along `dim` (all when not given) is nonzero (NaN counts), as a bool tensor. */
export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const nonzero = x.dtype === 'bool' ? x : x.ne(0);
  return reduce('sum', nonzero, normalizeDims('any', dim, x.ndim), keepdim).gt(0);
}

/** Whether every element along `dim` (all when not given) is nonzero, as a bool tensor. */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const zero = x.dtype === 'bool' ? x.logicalNot() : x.eq(0);
  return reduce('sum', zero, normalizeDims('all', dim, x.ndim), keepdim).eq(0);
}

/** The largest value over dims (all when not given); tied maxima share the gradient equally. */
export function amax(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduce('max', x, normalizeDims('amax', dim, x.ndim), keepdim);
}

export function amin(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduce('min', x, normalizeDims('amin', dim, x.ndim), keepdim);
}

export type NormP = number | 'fro';

/** The vector p-norm over dims (all when not given): p = 2 ('fro'), 1, Infinity, -Infinity, 0 or any other number. */
export function norm(x: Tensor, p: NormP = 'fro', dim?: Dims, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) fail('norm', `expected a floating tensor, got ${x.dtype} of shape ${fmtShape(x.shape)} (cast with .float() first)`);
  if (p !== 'fro' && (typeof p !== 'number' || Number.isNaN(p))) fail('norm', `p must be a number or 'fro', got ${String(p)}`);
  const dims = normalizeDims('norm', dim, x.ndim);
  if (p === 'fro' || p === 2) return rootAwayFromZero(reduce('sum', unary('square', x), dims, keepdim), 2, x.requiresGrad);
  if (p === 0) return reduce('sum', x.ne(0), dims, keepdim).to(x.dtype);
  const abs = unary('abs', x);
  if (p === 1) return reduce('sum', abs, dims, keepdim);
  if (p === Infinity) return reduce('max', abs, dims, keepdim);
  if (p === -Infinity) return reduce('min', abs, dims, keepdim);
  return rootAwayFromZero(reduce('sum', abs.pow(p), dims, keepdim), p, x.requiresGrad && p > 0);
}

/**
 * s^(1/p); where s = 0 and a gradient is wanted, its gradient is 0 as PyTorch's norm gives (the
 * root's derivative is infinite there): the root sees 1 in place of 0, and the result 0.
 */
function rootAwayFromZero(s: Tensor, p: number, wantsGrad: boolean): Tensor {
  const root = (v: Tensor) => (p === 2 ? v.sqrt() : v.pow(1 / p));
  if (!wantsGrad) return root(s);
  const zero = s.eq(0);
  return where(zero, 0, root(where(zero, 1, s)));
}

/** Column minus row index over the last two dims of `x`: the diagonal offset of each element. */
function diagonalOffsets(op: string, x: Tensor): Tensor {
  if (x.ndim < 2) fail(op, `expected a tensor of at least 2 dimensions, got shape ${fmtShape(x.shape)}`);
  const [n, m] = x.shape.slice(-2);
  return offsetGrid(n, m, x.device);
}

/** An n x m int32 grid of column minus row indices. */
function offsetGrid(n: number, m: number, device: Device): Tensor {
  const rows = reshape(arange(n, undefined, 1, { device }), [n, 1]);
  return binary('sub', arange(m, undefined, 1, { device }), rows);
}

function checkDiagonal(op: string, k: number): void {
  if (!Number.isInteger(k)) fail(op, `the diagonal must be an integer, got ${k}`);
}

/** The lower triangle of the last two dims (on and below diagonal k); the rest zero. */
export function tril(x: Tensor, k = 0): Tensor {
  checkDiagonal('tril', k);
  return where(diagonalOffsets('tril', x).le(k), x, x.dtype === 'bool' ? false : 0);
}

/** The upper triangle of the last two dims (on and above diagonal k); the rest zero. */
export function triu(x: Tensor, k = 0): Tensor {
  checkDiagonal('triu', k);
  return where(diagonalOffsets('triu', x).ge(k), x, x.dtype === 'bool' ? false : 0);
}

/** a[i] * b[j] for vectors a and b. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) fail('outer', `expected two 1-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return binary('mul', unsqueeze(a, 1), unsqueeze(b, 0));
}

/** A vector's square matrix with it on diagonal k, or a matrix's diagonal k as a vector. */
export function diag(x: Tensor, k = 0): Tensor {
  checkDiagonal('diag', k);
  const zero = x.dtype === 'bool' ? false : 0;
  if (x.ndim === 1) {
    const pad = Math.abs(k);
    const padded = pad ? cat([x, full([pad], zero, { dtype: x.dtype, device: x.device })]) : x;
    const n = padded.shape[0];
    const offsets = offsetGrid(n, n, x.device);
    // Row i holds x[i] at column i + k (k >= 0); column j holds x[j] at row j - k (k < 0).
    return where(offsets.eq(k), unsqueeze(padded, k >= 0 ? 1 : 0), zero);
  }
  if (x.ndim !== 2) fail('diag', `expected a 1-D or 2-D tensor, got shape ${fmtShape(x.shape)}`);
  const [n, m] = x.shape;
  const length = Math.max(0, k >= 0 ? Math.min(n, m - k) : Math.min(n + k, m));
  if (length === 0) return narrow(reshape(x, [-1]), 0, 0, 0);
  const square = narrow(narrow(x, 0, Math.max(0, -k), length), 1, Math.max(0, k), length);
  const onDiagonal = diagonalOffsets('diag', square).eq(0);
  const picked = reduce('sum', where(onDiagonal, square, zero), [1], false);
  return x.dtype === 'bool' ? picked.bool() : picked;
}

/** The sum of a matrix's diagonal. */
export function trace(x: Tensor): Tensor {
  if (x.ndim !== 2) fail('trace', `expected a 2-D tensor, got shape ${fmtShape(x.shape)}`);
  return reduce('sum', diag(x), [0], false);
}

/** Elements shifted along dims, wrapping around; without dims, over the flattened tensor. */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const shiftList = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (shiftList.some((s) => !Number.isInteger(s))) fail('roll', `shifts must be integers, got ${JSON.stringify(shifts)}`);
  if (dims === undefined) {
    if (shiftList.length !== 1) fail('roll', `without dims, shifts must be one number, got ${JSON.stringify(shifts)}`);
    return reshape(roll(reshape(x, [-1]), shiftList[0], 0), x.shape);
  }
  const dimList = typeof dims === 'number' ? [dims] : [...dims];
  if (dimList.length !== shiftList.length)
    fail('roll', `shifts and dims must have the same length, got ${JSON.stringify(shifts)} and ${JSON.stringify(dims)} (shape ${fmtShape(x.shape)})`);
  let out = x;
  dimList.forEach((dim, i) => {
    const d = normalizeDim('roll', dim, x.ndim);
    const size = x.shape[d];
    const s = size === 0 ? 0 : ((shiftList[i] % size) + size) % size;
    if (s !== 0) out = cat([narrow(out, d, size - s, s), narrow(out, d, 0, size - s)], d);
  });
  return out;
}

/** matmul of two matrices, with PyTorch's mm checks. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) fail('mm', `expected two 2-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[1] !== b.shape[0])
    fail('mm', `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${a.shape[1]} and ${b.shape[0]} differ)`);
  return matmul(a, b);
}

/** matmul of two batches of matrices of one batch size (no broadcasting), with PyTorch's bmm checks. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) fail('bmm', `expected two 3-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0]) fail('bmm', `batch sizes differ: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[2] !== b.shape[1])
    fail('bmm', `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${a.shape[2]} and ${b.shape[1]} differ)`);
  return matmul(a, b);
}
