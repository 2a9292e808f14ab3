/**
 * More activations (PyTorch's elu, selu, mish, hardtanh, logsigmoid, glu), composed of
 * differentiable primitives; at the kinks the gradients are the ones PyTorch defines.
 */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { normalizeDim } from '../core/shape';
import { where } from '../ops/elementwise';
import type { Tensor } from '../tensor';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

function checkFloat(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) fail(op, `expected a floating tensor, got ${x.dtype} of shape ${fmtShape(x.shape)} (cast with .float() first)`);
}

function checkNumber(op: string, name: string, v: number): void {
  if (typeof v !== 'number' || Number.isNaN(v)) fail(op, `${name} must be a number, got ${String(v)}`);
}

/**
 * `log(1 + exp(z))`, exact to float32 everywhere and with the exact gradient `sigmoid(z)`: `z`
 * itself above 20 (as PyTorch's softplus threshold); the unused branch sees no large values, so
 * no inf (or 0 * inf) reaches the gradient.
 */
export function softplusStable(z: Tensor): Tensor {
  const over = z.gt(20);
  return where(over, z, where(over, 20, z).exp().log1p());
}

/** `x` where positive, else `alpha * (exp(x) - 1)` (the gradient at 0 is `alpha`, as PyTorch's). */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkFloat('elu', x);
  checkNumber('elu', 'alpha', alpha);
  const pos = x.gt(0);
  return where(pos, x, where(pos, 0, x).expm1().mul(alpha));
}

/** The scaled ELU, `scale * elu(x, alpha)` with PyTorch's self-normalizing constants. */
export function selu(x: Tensor): Tensor {
  checkFloat('selu', x);
  return elu(x, SELU_ALPHA).mul(SELU_SCALE);
}

/** `x * tanh(softplus(x))`. */
export function mish(x: Tensor): Tensor {
  checkFloat('mish', x);
  return x.mul(softplusStable(x).tanh());
}

/** `x` clamped into [minVal, maxVal]; the gradient is zero outside the open interval, as PyTorch's. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  checkFloat('hardtanh', x);
  checkNumber('hardtanh', 'minVal', minVal);
  checkNumber('hardtanh', 'maxVal', maxVal);
  if (minVal > maxVal) fail('hardtanh', `minVal (${minVal}) must not be greater than maxVal (${maxVal})`);
  const inside = x.gt(minVal).logicalAnd(x.lt(maxVal));
  return where(inside, x, x.detach().clamp(minVal, maxVal));
}

/** `log(sigmoid(x))`, computed stably as `-softplus(-x)`. */
export function logsigmoid(x: Tensor): Tensor {
  checkFloat('logsigmoid', x);
  return softplusStable(x.neg()).neg();
}

/** The gated linear unit: splits `dim` in halves `a`, `b` and returns `a * sigmoid(b)`. */
export function glu(x: Tensor, dim = -1): Tensor {
  checkFloat('glu', x);
  if (x.ndim === 0) fail('glu', 'glu does not support scalars (0-d tensors)');
  const d = normalizeDim('glu', dim, x.ndim);
  const size = x.shape[d];
  if (size % 2 !== 0) fail('glu', `halving dimension ${dim} of shape ${fmtShape(x.shape)} needs an even size, got ${size}`);
  const [a, b] = x.chunk(2, d);
  return a.mul(b.sigmoid());
}
