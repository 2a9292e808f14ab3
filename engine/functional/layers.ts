/** Layer functions (PyTorch's torch.nn.functional), derived from primitive ops. */
import { fail, fmtShape } from '../core/errors';
import { rand } from '../ops/creation';
import { convPatches, pair, unfold2d } from '../ops/windows';
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

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
}

/**
 * 2-d convolution of `x` [N, C, H, W] by `weight` [O, C, kh, kw] plus `bias` [O], with stride and padding in `opts`.
 *
 * Computed as im2col followed by one matmul: the patches
 * channels last ([N, outH * outW, kh * kw * C], see convPatches) times the weight in the same order.
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  if (weight.ndim !== 4) fail('conv2d', `weight must be [out, in, kh, kw], got shape ${fmtShape(weight.shape)}`);
  if (x.ndim !== 4 || x.shape[1] !== weight.shape[1]) {
    fail('conv2d', `input ${fmtShape(x.shape)} must be [N, ${weight.shape[1]}, H, W] to match weight ${fmtShape(weight.shape)}`);
  }
  const [o, c, kh, kw] = weight.shape;
  const window = {
    kernel: [kh, kw] as [number, number],
    stride: pair('conv2d', 'stride', opts.stride, [1, 1]),
    padding: pair('conv2d', 'padding', opts.padding, [0, 0]),
  };
  const { patches, oh, ow } = convPatches('conv2d', x, window);
  const n = x.shape[0];
  // The weight as [kh * kw * C, O], contiguous (a small copy), so both operands load as vec4 along their rows.
  let y = patches.matmul(weight.permute([2, 3, 1, 0]).reshape([kh * kw * c, o]));
  if (bias) y = y.add(bias);
  return y.permute([0, 2, 1]).reshape([n, o, oh, ow]);
}

export interface Pool2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
}

function poolWindows(op: string, x: Tensor, kernelSize: number | [number, number], opts: Pool2dOptions, padValue: number): Tensor {
  const kernel = pair(op, 'kernelSize', kernelSize, [1, 1]);
  const window = { kernel, stride: pair(op, 'stride', opts.stride, kernel), padding: pair(op, 'padding', opts.padding, [0, 0]) };
  const cols = unfold2d(op, x, window, padValue);
  return cols.reshape([...cols.shape.slice(0, 4), kernel[0] * kernel[1]]);
}

/** 2-d max pooling over `[N, C, H, W]` (stride defaults to the kernel size). */
export function maxPool2d(x: Tensor, kernelSize: number | [number, number], opts: Pool2dOptions = {}): Tensor {
  return poolWindows('maxPool2d', x, kernelSize, opts, -Infinity).max(-1).values;
}

/** 2-d average pooling over `[N, C, H, W]` (stride defaults to the kernel size; padding counts as zeros). */
export function avgPool2d(x: Tensor, kernelSize: number | [number, number], opts: Pool2dOptions = {}): Tensor {
  return poolWindows('avgPool2d', x, kernelSize, opts, 0).mean(-1);
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
