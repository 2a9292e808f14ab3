/** Normalization functions (PyTorch's F.batchNorm, groupNorm, rmsNorm), composed from differentiable ops. */
import { fail, fmtShape } from '../core/errors';
import { withGradMode } from '../core/runtime';
import { Tensor } from '../tensor';

export interface BatchNormOptions {
  /** Use the batch's statistics (and update the running ones when given) instead of the running ones. */
  training?: boolean;
  /** The weight of the batch in the running statistics' update; a tensor (a scalar) for BatchNorm's cumulative average. */
  momentum?: number | Tensor;
  /** Added to the variance for numerical stability. */
  eps?: number;
}

/** The shape that broadcasts a per-channel `[C]` tensor over an `[N, C, ...]` input. */
function channelShape(x: Tensor): number[] {
  return x.shape.map((s, d) => (d === 1 ? s : 1));
}

function checkChannels(op: string, x: Tensor, name: string, t: Tensor | null | undefined): void {
  if (!t) return;
  if (!(t instanceof Tensor)) fail(op, `${name} must be a Tensor or null`);
  if (t.ndim !== 1 || t.shape[0] !== x.shape[1])
    fail(op, `${name} must have shape [${x.shape[1]}] (one value per channel of input ${fmtShape(x.shape)}), got ${fmtShape(t.shape)}`);
}

/**
 * Batch normalization of `x` [N, C, ...] per channel: in training, with the batch's mean and biased
 * variance (and the running statistics, when given, updated in place with the unbiased variance);
 * otherwise with `runningMean` and `runningVar`. Then scaled by `weight` and shifted by `bias`.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  opts: BatchNormOptions = {},
): Tensor {
  const op = 'batchNorm';
  if (!(x instanceof Tensor)) fail(op, 'input must be a Tensor');
  if (x.ndim < 2) fail(op, `expected an input of shape [N, C, ...] (2-D or more), got ${fmtShape(x.shape)}`);
  checkChannels(op, x, 'runningMean', runningMean);
  checkChannels(op, x, 'runningVar', runningVar);
  checkChannels(op, x, 'weight', weight);
  checkChannels(op, x, 'bias', bias);
  const training = opts.training ?? false;
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  const shape = channelShape(x);
  let mean: Tensor;
  let invStd: Tensor;
  if (training) {
    const dims = x.shape.map((_, d) => d).filter((d) => d !== 1);
    const count = dims.reduce((n, d) => n * x.shape[d], 1);
    if (count <= 1) fail(op, `expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
    mean = x.mean(dims, true);
    const variance = x.sub(mean).square().mean(dims, true);
    invStd = variance.add(eps).rsqrt();
    if (runningMean || runningVar) {
      withGradMode(false, () => {
        // running = running + momentum * (batch - running), with the unbiased variance (count / (count - 1)).
        if (runningMean) runningMean.copy_(runningMean.add(mean.reshape([-1]).sub(runningMean).mul(momentum)));
        if (runningVar)
          runningVar.copy_(
            runningVar.add(
              variance
                .reshape([-1])
                .mul(count / (count - 1))
                .sub(runningVar)
                .mul(momentum),
            ),
          );
      });
    }
  } else {
    if (!runningMean || !runningVar) fail(op, 'runningMean and runningVar are needed when not training (pass training: true to use the batch statistics)');
    mean = runningMean.reshape(shape);
    invStd = runningVar.add(eps).rsqrt().reshape(shape);
  }
  // y = (x - mean) * invStd * weight + bias, with the per-channel factors folded first (two full-size passes).
  const scale = weight ? invStd.mul(weight.reshape(shape)) : invStd;
  const shift = bias ? bias.reshape(shape).sub(mean.mul(scale)) : mean.mul(scale).neg();
  return x.mul(scale).add(shift);
}

/** Group normalization of `x` [N, C, ...]: the channels split into `numGroups` groups, each normalized over its channels and positions, then scaled and shifted per channel. */
export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const op = 'groupNorm';
  if (!(x instanceof Tensor)) fail(op, 'input must be a Tensor');
  if (x.ndim < 2) fail(op, `expected an input of shape [N, C, ...] (2-D or more), got ${fmtShape(x.shape)}`);
  if (!Number.isInteger(numGroups) || numGroups <= 0) fail(op, `numGroups must be a positive integer, got ${numGroups}`);
  if (x.shape[1] % numGroups !== 0) fail(op, `the number of channels ${x.shape[1]} (input ${fmtShape(x.shape)}) is not divisible by numGroups ${numGroups}`);
  checkChannels(op, x, 'weight', weight);
  checkChannels(op, x, 'bias', bias);
  const n = x.shape[0];
  const grouped = x.reshape([n, numGroups, -1]);
  const mean = grouped.mean(2, true);
  const centered = grouped.sub(mean);
  let y = centered.mul(centered.square().mean(2, true).add(eps).rsqrt()).reshape(x.shape);
  const shape = channelShape(x);
  if (weight) y = y.mul(weight.reshape(shape));
  if (bias) y = y.add(bias.reshape(shape));
  return y;
}

/** The float32 machine epsilon, RMSNorm's default eps as in PyTorch (torch.finfo(float32).eps). */
export const FLOAT32_EPS = 1.1920928955078125e-7;

/** Root-mean-square normalization over the trailing `normalizedShape` dims: `x / sqrt(mean(x²) + eps) * weight`. */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, eps?: number | null): Tensor {
  const op = 'rmsNorm';
  if (!(x instanceof Tensor)) fail(op, 'input must be a Tensor');
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  if (x.ndim < k || x.shape.slice(x.ndim - k).some((s, i) => s !== shape[i]))
    fail(op, `input shape ${fmtShape(x.shape)} does not end with normalizedShape ${fmtShape(shape)}`);
  if (weight && weight.shape.join() !== shape.join()) fail(op, `weight must have shape ${fmtShape(shape)}, got ${fmtShape(weight.shape)}`);
  const dims = shape.map((_, i) => x.ndim - k + i);
  const y = x.mul(
    x
      .square()
      .mean(dims, true)
      .add(eps ?? FLOAT32_EPS)
      .rsqrt(),
  );
  return weight ? y.mul(weight) : y;
}
