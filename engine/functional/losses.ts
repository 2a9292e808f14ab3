/** Loss functions with PyTorch's reductions: cross entropy, NLL, MSE, BCE with logits. */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { CpuStorage } from '../backends/cpu/cpu-backend';
import { viewOffsets } from '../backends/cpu/strided';
import { where } from '../ops/elementwise';
import { hostValuesOf } from '../ops/make';
import type { Tensor } from '../tensor';
import { softplusStable } from './more-activations';
import { vmapTracks } from '../func/tape';

export type Reduction = 'mean' | 'sum' | 'none';
export interface LossOptions {
  reduction?: Reduction;
}

/** Options of `nllLoss` (and `crossEntropy` with class-index targets). */
export interface NllLossOptions extends LossOptions {
  /** A weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing, to the loss or to the mean's divisor (default -100). */
  ignoreIndex?: number;
}

/** Options of `crossEntropy`: NLL's, and `labelSmoothing` in [0, 1]. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: `(1 - ε) * target + ε / C`. */
  labelSmoothing?: number;
}

/** `loss` reduced as `reduction` says: its mean (default), its sum, or as it is. */
export function reduceLoss(op: string, loss: Tensor, reduction: Reduction = 'mean'): Tensor {
  switch (reduction) {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      return fail(op, `reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

/** Moves the class dim of [N, C, d1, ...] last and flattens, so losses see [M, C]. */
export function classesLast(op: string, input: Tensor): Tensor {
  if (input.ndim < 1) fail(op, `input must have a class dimension, got shape ${fmtShape(input.shape)}`);
  if (input.ndim <= 2) return input.ndim === 1 ? input.unsqueeze(0) : input;
  const dims = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2), 1];
  return input.permute(dims).reshape([-1, input.shape[1]]);
}

/** The first target that is neither a class in [0, classes) nor ignoreIndex, where its values are known without a read-back. */
function firstBadTarget(t: Tensor, classes: number, ignoreIndex: number): number | null {
  const storage = t.storageRef.storage;
  const data = storage instanceof CpuStorage ? (storage.pending ? null : storage.data) : hostValuesOf(t.storageRef);
  if (!data) return null;
  for (const o of viewOffsets(t)) if ((data[o] < 0 || data[o] >= classes) && data[o] !== ignoreIndex) return data[o];
  return null;
}

/** Whether the targets' values are known on the host and none is `ignoreIndex` (then no mask is needed). */
function noneIgnored(t: Tensor, ignoreIndex: number): boolean {
  const storage = t.storageRef.storage;
  const data = storage instanceof CpuStorage ? (storage.pending ? null : storage.data) : hostValuesOf(t.storageRef);
  if (!data) return false;
  // Inside vmap this view is one sample's targets; the storage holds every sample's.
  if (vmapTracks(t)) return !data.includes(ignoreIndex);
  for (const o of viewOffsets(t)) if (data[o] === ignoreIndex) return false;
  return true;
}

/** The per-class weight checked: a floating [C] tensor on the input's device (null when not given). */
function classWeight(op: string, weight: Tensor | null | undefined, classes: number, input: Tensor): Tensor | null {
  if (weight === undefined || weight === null) return null;
  if (typeof weight !== 'object' || !Array.isArray(weight.shape)) fail(op, `weight must be a tensor, got ${typeof weight}`);
  if (weight.ndim !== 1 || weight.shape[0] !== classes)
    fail(op, `weight must hold one value per class, shape [${classes}], got ${fmtShape(weight.shape)} (input ${fmtShape(input.shape)})`);
  if (!isFloating(weight.dtype)) fail(op, `weight must be floating, got ${weight.dtype}`);
  return weight;
}

/** Class-index targets checked against the input [N, C, d...] (or [C]): int32, shape [N, d...] (or []), in range. */
function classTargets(op: string, input: Tensor, target: Tensor, ignoreIndex: number): { flat: Tensor; t: Tensor; classes: number } {
  if (target.dtype !== 'int32')
    fail(op, `target must hold class indices (int32, e.g. torch.tensor(labels, { dtype: 'int32' })), got ${target.dtype} of shape ${fmtShape(target.shape)}`);
  const flat = classesLast(op, input);
  const classes = flat.shape[1];
  const want = input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (input.ndim > 1 && target.ndim >= 1 && target.shape[0] !== want[0])
    fail(op, `input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} disagree on the batch size`);
  if (target.shape.join() !== want.join())
    fail(op, `target ${fmtShape(target.shape)} does not fit input ${fmtShape(input.shape)}: class-index targets must have shape ${fmtShape(want)}`);
  const t = target.reshape([-1]);
  const bad = firstBadTarget(t, classes, ignoreIndex);
  if (bad !== null) fail(op, `target ${bad} is out of bounds for ${classes} classes (input ${fmtShape(input.shape)})`);
  return { flat, t, classes };
}

/**
 * The per-element NLL of [M, C] log-probabilities, the per-element weight (0 where ignored), and
 * the safe targets. Without class weights and with no target ignored (known from the host values)
 * there is no mask: `w` and `kept` are null, and the mean divides by M.
 */
function weightedNll(
  flat: Tensor,
  t: Tensor,
  weight: Tensor | null,
  ignoreIndex: number,
): { loss: Tensor; w: Tensor | null; kept: Tensor | null; safe: Tensor } {
  if (!weight && noneIgnored(t, ignoreIndex)) return { loss: flat.gather(1, t.unsqueeze(1)).squeeze(1).neg(), w: null, kept: null, safe: t };
  const kept = t.ne(ignoreIndex);
  const safe = where(kept, t, 0);
  const w = (weight ? weight.indexSelect(0, safe) : kept.to(flat.dtype)).mul(kept);
  const loss = flat.gather(1, safe.unsqueeze(1)).squeeze(1).neg().mul(w);
  return { loss, w, kept, safe };
}

/** The negative log-likelihood loss from log-probabilities `[N, C, ...]` and int32 class indices (`weight`, `ignoreIndex` as PyTorch). */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: NllLossOptions = {}, op = 'nllLoss'): Tensor {
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const { flat, t, classes } = classTargets(op, logProbs, target, ignoreIndex);
  const weight = classWeight(op, opts.weight, classes, logProbs);
  const { loss, w } = weightedNll(flat, t, weight, ignoreIndex);
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'none') return loss.reshape(target.shape);
  if (reduction === 'mean') return loss.sum().div(w ? w.sum() : loss.numel());
  return reduceLoss(op, loss, reduction);
}

/** Cross entropy from logits: class indices (int32) or class probabilities (same shape) as targets; `weight`, `ignoreIndex`, `labelSmoothing` as PyTorch. */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  if (logits.ndim < 1) fail(op, `input must have a class dimension, got shape ${fmtShape(logits.shape)}`);
  if (!isFloating(logits.dtype)) fail(op, `input must be floating logits, got ${logits.dtype}`);
  const eps = opts.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) fail(op, `labelSmoothing must be between 0 and 1, got ${String(eps)}`);
  const reduction = opts.reduction ?? 'mean';
  if (!['mean', 'sum', 'none'].includes(reduction)) fail(op, `reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  const dim = logits.ndim === 1 ? 0 : 1;
  const classes = logits.shape[dim];
  const logProbs = logits.logSoftmax(dim);
  if (target.dtype === 'int32') {
    const ignoreIndex = opts.ignoreIndex ?? -100;
    const { t } = classTargets(op, logits, target, ignoreIndex);
    const weight = classWeight(op, opts.weight, classes, logits);
    const flatLogProbs = classesLast(op, logProbs);
    const { loss, w, kept } = weightedNll(flatLogProbs, t, weight, ignoreIndex);
    // Label smoothing (PyTorch's formula): the weighted sum over classes of -log p, zero where ignored.
    let out = loss;
    let smooth: Tensor | null = null;
    if (eps > 0) {
      const lp = weight ? flatLogProbs.mul(weight) : flatLogProbs;
      smooth = kept ? lp.sum(1).neg().mul(kept) : lp.sum(1).neg();
    }
    if (reduction === 'none') {
      if (smooth) out = loss.mul(1 - eps).add(smooth.mul(eps / classes));
      return out.reshape(target.shape);
    }
    const divisor = reduction === 'mean' ? (w ? w.sum() : loss.numel()) : null;
    const reduce = (x: Tensor) => (divisor !== null ? x.sum().div(divisor) : x.sum());
    if (!smooth) return reduce(loss);
    return reduce(loss)
      .mul(1 - eps)
      .add(reduce(smooth).mul(eps / classes));
  }
  if (!isFloating(target.dtype) || target.shape.join() !== logits.shape.join()) {
    fail(
      op,
      `target ${fmtShape(target.shape)} is ${target.dtype}: class-index targets must be int32 (torch.tensor(labels, { dtype: 'int32' })) and probability targets floating, shaped like the logits ${fmtShape(logits.shape)}`,
    );
  }
  if (opts.ignoreIndex !== undefined && opts.ignoreIndex !== -100) fail(op, 'ignoreIndex is not supported for probability (floating) targets');
  const weight = classWeight(op, opts.weight, classes, logits);
  const p = eps > 0 ? target.mul(1 - eps).add(eps / classes) : target;
  let prod = logProbs.mul(p);
  if (weight) prod = prod.mul(logits.ndim === 1 ? weight : weight.reshape([classes, ...logits.shape.slice(2).map(() => 1)]));
  const loss = prod.sum(dim).neg();
  return reduceLoss(op, loss, reduction);
}

/** The mean squared error (or summed, or per element: `opts.reduction`). */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  if (input.shape.join() !== target.shape.join())
    fail('mseLoss', `input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  return reduceLoss('mseLoss', input.sub(target).square(), opts.reduction);
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BceWithLogitsOptions extends LossOptions {
  /** A weight per element, broadcast to the input. */
  weight?: Tensor | null;
  /** A weight of the positive class, broadcast along the last dims (one per class, say). */
  posWeight?: Tensor | null;
}

/** Binary cross entropy from logits (`posWeight` weighs the positive class), as `(1 - y) x + (1 + (pw - 1) y) softplus(-x)`: stable for large logits. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  if (input.shape.join() !== target.shape.join()) fail(op, `input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  if (!isFloating(input.dtype) || !isFloating(target.dtype)) fail(op, `input and target must be floating, got ${input.dtype} and ${target.dtype}`);
  const softplusNeg = softplusStable(input.neg());
  const logWeight = opts.posWeight ? target.mul(opts.posWeight.sub(1)).add(1) : null;
  let loss = target
    .neg()
    .add(1)
    .mul(input)
    .add(logWeight ? softplusNeg.mul(logWeight) : softplusNeg);
  if (opts.weight) loss = loss.mul(opts.weight);
  if (loss.shape.join() !== input.shape.join())
    fail(op, `weight or posWeight broadcasts the loss to ${fmtShape(loss.shape)}, but the input is ${fmtShape(input.shape)}`);
  return reduceLoss(op, loss, opts.reduction);
}
