/** Activation functions, derived from primitive ops. */
import type { Tensor } from '../tensor';
import { where } from '../ops/elementwise';

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** `max(x, 0)`, elementwise. */
export function relu(x: Tensor): Tensor {
  return x.relu();
}

/** The Gaussian error linear unit, `x * Φ(x)` (`approximate: 'tanh'` for the tanh approximation). */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  if (opts.approximate === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  return x.mul(0.5).mul(x.mul(SQRT1_2).erf().add(1));
}

/** `x * sigmoid(x)` (swish), elementwise. */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

/** log(1 + exp(beta x)) / beta, linear above `threshold` as PyTorch's softplus. */
export function softplus(x: Tensor, opts: { beta?: number; threshold?: number } = {}): Tensor {
  const beta = opts.beta ?? 1;
  const threshold = opts.threshold ?? 20;
  const bx = x.mul(beta);
  const over = bx.gt(threshold);
  // The unused branch sees 0 above the threshold, so its exp never overflows into a NaN gradient.
  return where(over, x, where(over, 0, bx).exp().log1p().div(beta));
}

/** `x` where positive, else `negativeSlope * x`. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(x.gt(0), x, x.mul(negativeSlope));
}

/** `1 / (1 + exp(-x))`, elementwise. */
export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}

/** The hyperbolic tangent, elementwise. */
export function tanh(x: Tensor): Tensor {
  return x.tanh();
}

/** Softmax along `dim`: `exp(x)` normalized to sum to 1. */
export function softmax(x: Tensor, dim: number): Tensor {
  return x.softmax(dim);
}

/** Log of the softmax along `dim`, computed stably. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return x.logSoftmax(dim);
}
