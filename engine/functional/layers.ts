/** Layer functions (PyTorch's torch.nn.functional), derived from primitive ops. */
import { fail, fmtShape } from '../core/errors';
import { rand } from '../ops/creation';
import { indexSelect } from '../ops/indexing';
import type { Tensor } from '../tensor';

/** `x @ weight.T + bias` (bias optional), for inputs `[..., in]` and a weight `[out, in]`. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (x.shape[x.ndim - 1] !== weight.shape[weight.ndim - 1]) {
    fail(
      'linear',
      `input features ${x.shape[x.ndim - 1]} (input ${fmtShape(x.shape)}) do not match weight ${fmtShape(weight.shape)} (expects [out, ${weight.shape[weight.ndim - 1]}])`,
    );
  }
  const y = x.matmul(weight.t());
  return bias ? y.add(bias) : y;
}

/** Normalizes over the trailing `normalizedShape` dimensions to zero mean and unit variance, then scales and shifts. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  if (x.shape.slice(-k).some((s, i) => s !== normalizedShape[i]) || x.ndim < k) {
    fail('layerNorm', `input shape ${fmtShape(x.shape)} does not end with normalizedShape ${fmtShape(normalizedShape)}`);
  }
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const mean = x.mean(dims, true);
  const centered = x.sub(mean);
  let y = centered.div(centered.square().mean(dims, true).add(eps).sqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** Zeroes each element with probability p and scales the rest by 1/(1-p); seeded by torch.manualSeed. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (p < 0 || p > 1) fail('dropout', `probability must be between 0 and 1, got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = rand(x.shape, { device: x.device }).ge(p);
  return x.mul(keep).div(1 - p);
}

/** The rows of `weight` (`[num, dim]`) at the int32 `indices`: shape `[...indices.shape, dim]`. */
export function embedding(indices: Tensor, weight: Tensor): Tensor {
  if (indices.dtype !== 'int32') fail('embedding', `indices must be int32, got ${indices.dtype}`);
  if (weight.ndim !== 2) fail('embedding', `weight must be [num, dim], got shape ${fmtShape(weight.shape)}`);
  return indexSelect(weight, 0, indices.reshape([-1]), 'embedding').reshape([...indices.shape, weight.shape[1]]);
}
