/** Loss functions with PyTorch's reductions. */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { firstOutOfRange } from '../ops/indexing';
import type { Tensor } from '../tensor';

export type Reduction = 'mean' | 'sum' | 'none';
export interface LossOptions {
  reduction?: Reduction;
}

function reduceLoss(op: string, loss: Tensor, reduction: Reduction = 'mean'): Tensor {
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
function classesLast(op: string, input: Tensor): Tensor {
  if (input.ndim < 1) fail(op, `input must have a class dimension, got shape ${fmtShape(input.shape)}`);
  if (input.ndim <= 2) return input.ndim === 1 ? input.unsqueeze(0) : input;
  const dims = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2), 1];
  return input.permute(dims).reshape([-1, input.shape[1]]);
}

/** The negative log-likelihood loss from log-probabilities `[N, C, ...]` and int32 class indices. */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: LossOptions = {}, op = 'nllLoss'): Tensor {
  if (target.dtype !== 'int32') fail(op, `target must hold class indices (int32), got ${target.dtype}`);
  const flat = classesLast(op, logProbs);
  const t = target.reshape([-1]);
  if (t.shape[0] !== flat.shape[0]) fail(op, `input ${fmtShape(logProbs.shape)} and target ${fmtShape(target.shape)} disagree on the batch size`);
  const classes = flat.shape[1];
  const bad = firstOutOfRange(t, 0, classes);
  if (bad !== null) fail(op, `target ${bad} is out of bounds for ${classes} classes (input ${fmtShape(logProbs.shape)})`);
  const picked = flat.gather(1, t.unsqueeze(1)).squeeze(1).neg();
  const loss = opts.reduction === 'none' ? picked.reshape(target.shape) : picked;
  return reduceLoss(op, loss, opts.reduction);
}

/** Cross entropy from logits: class indices (int32) or class probabilities (same shape) as targets. */
export function crossEntropy(logits: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  if (logits.ndim < 1) fail('crossEntropy', `input must have a class dimension, got shape ${fmtShape(logits.shape)}`);
  const dim = logits.ndim === 1 ? 0 : 1;
  if (target.dtype === 'int32') return nllLoss(logits.logSoftmax(dim), target, opts, 'crossEntropy');
  if (!isFloating(target.dtype) || target.shape.join() !== logits.shape.join()) {
    fail(
      'crossEntropy',
      `target ${fmtShape(target.shape)} is ${target.dtype}: class-index targets must be int32 (torch.tensor(labels, { dtype: 'int32' })) and probability targets floating, shaped like the logits ${fmtShape(logits.shape)}`,
    );
  }
  const logProbs = logits.logSoftmax(dim);
  return reduceLoss('crossEntropy', logProbs.mul(target).sum(dim).neg(), opts.reduction);
}

/** The mean squared error (or summed, or per element: `opts.reduction`). */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  if (input.shape.join() !== target.shape.join())
    fail('mseLoss', `input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  return reduceLoss('mseLoss', input.sub(target).square(), opts.reduction);
}

/** Binary cross entropy from logits (`posWeight` weighs the positive class), as `max(x, 0) - x*y + log(1 + exp(-|x|))`: stable for large logits. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: LossOptions & { posWeight?: Tensor } = {}): Tensor {
  if (input.shape.join() !== target.shape.join())
    fail('binaryCrossEntropyWithLogits', `input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  const softplusNeg = input.abs().neg().exp().log1p().add(input.neg().relu());
  const loss = opts.posWeight
    ? input.mul(target.neg().add(1)).add(softplusNeg.mul(target.mul(opts.posWeight.sub(1)).add(1)))
    : input.relu().sub(input.mul(target)).add(input.abs().neg().exp().log1p());
  return reduceLoss('binaryCrossEntropyWithLogits', loss, opts.reduction);
}
