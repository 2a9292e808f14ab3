/**
 * Elementwise ops of PyTorch's wider surface, derived from the primitives (as PyTorch's
 * decompositions): their gradients come from the primitives' rules.
 */
import { isFloating, type DType } from '../core/dtype';
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';
import { binary, resultType, unary, where, type Operand } from './elementwise';
import { all } from './more-reductions';

const isTensor = (v: Operand): v is Tensor => typeof v === 'object' && v !== null;
const dtypeOf = (v: Operand): string => (isTensor(v) ? v.dtype : typeof v);

function needsNumbers(op: string, ...xs: Operand[]): void {
  if (xs.some((x) => isTensor(x) && x.dtype === 'bool')) fail(op, `not supported for bool tensors, got ${xs.map(dtypeOf).join(' and ')}`);
}

function needsFloat(op: string, ...xs: Operand[]): void {
  if (!isFloating(resultType(xs[0], xs[1] ?? xs[0]))) fail(op, `expected a floating tensor, got ${xs.map(dtypeOf).join(' and ')} (cast with .float() first)`);
}

/** Rounds toward zero (floor above 0, ceil below). */
export function trunc(x: Tensor): Tensor {
  needsNumbers('trunc', x);
  if (!isFloating(x.dtype)) return x.clone();
  return where(x.lt(0), unary('ceil', x), unary('floor', x));
}

/** C's fmod: x - trunc(x / y) * y, with the sign of x. */
export function fmod(x: Tensor, y: Operand): Tensor {
  needsNumbers('fmod', x, y);
  const quotient = trunc(binary('div', x, y));
  const q = isFloating(resultType(x, y)) ? quotient : quotient.int();
  return binary('sub', x, binary('mul', q, y));
}

/** Python's modulus: x - floor(x / y) * y, with the sign of y (computed from fmod, which is exact more often). */
export function remainder(x: Tensor, y: Operand): Tensor {
  needsNumbers('remainder', x, y);
  const r = fmod(x, y);
  const signsDiffer = isTensor(y) ? r.lt(0).ne(y.lt(0)) : Number(y) < 0 ? r.gt(0) : r.lt(0);
  return where(signsDiffer.logicalAnd(r.ne(0)), binary('add', r, y), r);
}

export function atan2(y: Tensor, x: Operand): Tensor {
  needsNumbers('atan2', y, x);
  return binary('atan2', y, x);
}

/** sqrt(x² + y²). */
export function hypot(x: Tensor, y: Operand): Tensor {
  needsFloat('hypot', x, y);
  return binary('add', unary('square', x), isTensor(y) ? unary('square', y) : Number(y) ** 2).sqrt();
}

/** start + weight * (end - start). */
export function lerp(start: Tensor, end: Tensor, weight: Operand): Tensor {
  if (!isTensor(end)) fail('lerp', `end must be a tensor, got ${typeof end}`);
  if (!isFloating(start.dtype) || start.dtype !== end.dtype)
    fail('lerp', `expected start and end of one floating dtype, got ${start.dtype} and ${end.dtype}${isTensor(weight) ? ` (weight ${weight.dtype})` : ''}`);
  if (isTensor(weight) && !isFloating(weight.dtype)) fail('lerp', `weight must be floating, got ${weight.dtype}`);
  return binary('add', start, binary('mul', binary('sub', end, start), weight));
}

export function isnan(x: Tensor): Tensor {
  return x.ne(x);
}

export function isinf(x: Tensor): Tensor {
  return isFloating(x.dtype) ? unary('abs', x).eq(Infinity) : x.ne(x);
}

export function isfinite(x: Tensor): Tensor {
  return isFloating(x.dtype) ? unary('abs', x).lt(Infinity) : x.eq(x);
}

const LARGEST: { [D in DType]?: number } = { float32: 3.4028234663852886e38, float16: 65504 };

export interface NanToNumOptions {
  nan?: number;
  posinf?: number;
  neginf?: number;
}

/** NaN, +Inf and -Inf replaced (by 0 and the dtype's largest finite values unless given). */
export function nanToNum(x: Tensor, opts: NanToNumOptions = {}): Tensor {
  if (!isFloating(x.dtype)) return x.clone();
  const big = LARGEST[x.dtype] ?? Number.MAX_VALUE;
  const out = where(isnan(x), opts.nan ?? 0, x);
  return where(x.eq(Infinity), opts.posinf ?? big, where(x.eq(-Infinity), opts.neginf ?? -big, out));
}

export interface IsCloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/** |a - b| <= atol + rtol * |b| where b is finite; equal values (infinities included) are close. */
export function isclose(a: Tensor, b: Tensor, opts: IsCloseOptions = {}): Tensor {
  if (!isTensor(b)) fail('isclose', `other must be a tensor, got ${typeof b}`);
  if (a.dtype !== b.dtype) fail('isclose', `expected tensors of one dtype, got ${a.dtype} and ${b.dtype}`);
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  if (rtol < 0 || atol < 0) fail('isclose', `rtol and atol must be non-negative, got rtol ${rtol} and atol ${atol}`);
  let close = a.eq(b);
  if (a.dtype !== 'bool') {
    const diff = unary('abs', binary('sub', a, b));
    const allowed = binary('add', unary('abs', b).mul(rtol), atol);
    close = close.logicalOr(diff.le(allowed).logicalAnd(isfinite(b)));
  }
  return opts.equalNan ? close.logicalOr(isnan(a).logicalAnd(isnan(b))) : close;
}

/** Whether every element of `a` is close to `b`'s (read back, so asynchronous). */
export async function allclose(a: Tensor, b: Tensor, opts: IsCloseOptions = {}): Promise<boolean> {
  return (await all(isclose(a, b, opts)).item()) as boolean;
}
