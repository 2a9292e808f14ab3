/** More losses with PyTorch's formulas and reductions: L1, smooth L1, Huber, BCE, KL divergence, cosine embedding. */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { broadcastShapes } from '../core/shape';
import { where } from '../ops/elementwise';
import type { Tensor } from '../tensor';
import { reduceLoss, type LossOptions } from './losses';

function checkPair(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) fail(op, `input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  if (!isFloating(input.dtype) || !isFloating(target.dtype)) fail(op, `input and target must be floating, got ${input.dtype} and ${target.dtype}`);
}

function checkNumber(op: string, name: string, v: number, min: number): void {
  if (typeof v !== 'number' || !(v >= min)) fail(op, `${name} must be a number >= ${min}, got ${String(v)}`);
}

/** The mean absolute error `|input - target|` (or summed, or per element). */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  checkPair('l1Loss', input, target);
  return reduceLoss('l1Loss', input.sub(target).abs(), opts.reduction);
}

/** Options of `smoothL1Loss`. */
export interface SmoothL1Options extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives the L1 loss). */
  beta?: number;
}

/** `0.5 d² / beta` for `|d| < beta`, else `|d| - 0.5 beta`, with `d = input - target`. */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1Options = {}): Tensor {
  const op = 'smoothL1Loss';
  checkPair(op, input, target);
  const beta = opts.beta ?? 1;
  checkNumber(op, 'beta', beta, 0);
  const d = input.sub(target).abs();
  if (beta === 0) return reduceLoss(op, d, opts.reduction);
  return reduceLoss(op, where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)), opts.reduction);
}

/** Options of `huberLoss`. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** `0.5 d²` for `|d| < delta`, else `delta (|d| - 0.5 delta)`, with `d = input - target`. */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberOptions = {}): Tensor {
  const op = 'huberLoss';
  checkPair(op, input, target);
  const delta = opts.delta ?? 1;
  checkNumber(op, 'delta', delta, 0);
  if (delta === 0) fail(op, 'delta must be greater than 0');
  const d = input.sub(target).abs();
  return reduceLoss(op, where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), opts.reduction);
}

/** Options of `binaryCrossEntropy`. */
export interface BceOptions extends LossOptions {
  /** A weight per element, broadcast to the input. */
  weight?: Tensor | null;
}

/** `log(x)` floored at -100 as PyTorch's BCE does, with no NaN gradient at 0. */
function clampedLog(x: Tensor): Tensor {
  const pos = x.gt(0);
  return where(pos, where(pos, x, 1).log().clamp(-100), -100);
}

/** Binary cross entropy of probabilities: `-w (y log x + (1 - y) log(1 - x))`, each log floored at -100. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  checkPair(op, input, target);
  let loss = target
    .mul(clampedLog(input))
    .add(
      target
        .neg()
        .add(1)
        .mul(clampedLog(input.neg().add(1))),
    )
    .neg();
  if (opts.weight) {
    const shape = broadcastShapes(op, input.shape, opts.weight.shape);
    if (shape.join() !== input.shape.join()) fail(op, `weight ${fmtShape(opts.weight.shape)} does not broadcast to the input ${fmtShape(input.shape)}`);
    loss = loss.mul(opts.weight);
  }
  return reduceLoss(op, loss, opts.reduction);
}

/** Options of `klDiv`: `reduction` may also be 'batchmean' (the sum over the batch size). */
export interface KlDivOptions {
  /** 'mean' (over elements, default), 'batchmean' (PyTorch's recommended: the sum over the batch size), 'sum' or 'none'. */
  reduction?: 'mean' | 'sum' | 'none' | 'batchmean';
  /** Whether the target is given as log-probabilities too. */
  logTarget?: boolean;
}

/** The KL divergence of `target` from `input` (log-probabilities): `target * (log target - input)` pointwise. */
export function klDiv(input: Tensor, target: Tensor, opts: KlDivOptions = {}): Tensor {
  const op = 'klDiv';
  checkPair(op, input, target);
  let loss: Tensor;
  if (opts.logTarget) loss = target.exp().mul(target.sub(input));
  else {
    // xlogy(t, t): 0 where t is 0.
    const zero = target.eq(0);
    const xlogx = where(zero, 0, target.mul(where(zero, 1, target).log()));
    loss = xlogx.sub(target.mul(input));
  }
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'batchmean') return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduceLoss(op, loss, reduction);
}

/** Options of `cosineEmbeddingLoss`. */
export interface CosineEmbeddingOptions extends LossOptions {
  /** The cosine similarity below which dissimilar pairs (target -1) cost nothing (default 0). */
  margin?: number;
}

/** `1 - cos(x1, x2)` where target is 1, `max(0, cos - margin)` where it is -1; rows of [N, D] (or one [D] pair). */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: CosineEmbeddingOptions = {}): Tensor {
  const op = 'cosineEmbeddingLoss';
  if (input1.shape.join() !== input2.shape.join()) fail(op, `input1 ${fmtShape(input1.shape)} and input2 ${fmtShape(input2.shape)} must have the same shape`);
  if (input1.ndim !== 1 && input1.ndim !== 2) fail(op, `inputs must be 1-d or 2-d, got shape ${fmtShape(input1.shape)}`);
  if (input1.ndim === 2 ? target.ndim !== 1 || target.shape[0] !== input1.shape[0] : target.ndim !== 0)
    fail(op, `target ${fmtShape(target.shape)} must hold one value per row of the inputs ${fmtShape(input1.shape)}`);
  if (target.dtype === 'bool') fail(op, 'target must hold 1 and -1 (int32 or float), got bool');
  const margin = opts.margin ?? 0;
  if (typeof margin !== 'number' || Number.isNaN(margin)) fail(op, `margin must be a number, got ${String(margin)}`);
  const dim = input1.ndim - 1;
  const EPS = 1e-12;
  const prod = input1.mul(input2).sum(dim);
  const mag1 = input1.square().sum(dim).add(EPS);
  const mag2 = input2.square().sum(dim).add(EPS);
  const cos = prod.div(mag1.mul(mag2).sqrt());
  const pos = where(target.eq(1), cos.neg().add(1), 0);
  const neg = where(target.eq(-1), cos.sub(margin).clamp(0), 0);
  return reduceLoss(op, pos.add(neg), opts.reduction);
}
