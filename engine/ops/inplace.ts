/**
 * How an in-place op runs, with PyTorch's autograd rules. With nothing to record (grad mode off,
 * as in an optimizer step, or no tensor requiring grad) it is one kernel writing into the tensor's
 * own storage. While gradients are recorded, the op's out-of-place form computes the new values
 * from the old ones (a copy where its gradient needs them, as PyTorch's original_self), they are
 * written into the storage, and the tensor takes a new history: its own (`copy` of the result),
 * or, through a view, its root's (`copySlices`: the old root with the window replaced), which
 * every view of that root then follows (TensorBase.viewBase). Ops that ran before keep seeing the
 * tensor as it was (TensorBase.priorIdentities); a value they saved that the write changed is an
 * error at backward (autograd/saved.ts), through the storage's version counter.
 */
import { fail, fmtShape } from '../core/errors';
import { isGradEnabled, withGradMode } from '../core/runtime';
import { record } from '../autograd/graph';
import { checkInPlaceTarget, tapeRecord, tapeTracks } from '../func/tape';
import { windowOf } from '../autograd/rules';
import type { Tensor } from '../tensor';
import { copy, copyInto } from './elementwise';
import { assertLive, forgetHostValues, liftedView } from './make';

/** One in-place op on `self`: its out-of-place form, and optionally a kernel writing the result directly. */
export interface InPlaceWork {
  /** The new values of `self` as a differentiable out-of-place op over `x`, self's values before the write. */
  functional(x: Tensor): Tensor;
  /** Writes the new values into `self` in one kernel, when nothing is recorded. Without it, the result is computed then copied in. */
  direct?(): void;
  /** Whether the gradient of `functional` reads x's values: then x is a copy of the old values, else the tensor itself. */
  readsSelf: boolean;
}

const describe = (t: Tensor) => `the ${t.dtype} tensor of shape ${fmtShape(t.shape)}`;

/** Runs `work` in place on `self` (`others`: the tensor operands); returns self, as PyTorch's in-place methods do. */
export function inPlace<T extends Tensor>(op: string, self: T, others: readonly Tensor[], work: InPlaceWork): T {
  assertLive(op, [self, ...others]);
  checkWritable(op, self);
  const root = self.viewBase;
  const grad = isGradEnabled();
  if (grad) checkNotLeaf(op, self, root);
  // An open torch.func tape (vmap, jvp) that follows any of the tensors needs the recorded form too.
  const taped = tapeTracks([self, root, ...others]);
  if (taped) checkInPlaceTarget(op, self, root, others);
  const recording = taped || (grad && (self.requiresGrad || (root?.requiresGrad ?? false) || others.some((t) => t.requiresGrad)));
  forgetHostValues(self.storageRef);
  if (!recording) {
    const aliased = others.some((t) => t.storageRef === self.storageRef && !sameWindow(t, self));
    if (work.direct && !aliased) work.direct();
    else
      copyInto(
        self,
        withGradMode(false, () => work.functional(self)),
      );
  } else if (root) {
    rewriteRoot(op, self, root, work);
  } else {
    rewriteSelf(self, work);
  }
  self.storageRef.bumpVersion(op);
  return self;
}

/** A write through a view with a broadcast (stride 0) dim would land on one element many times: refused, as PyTorch does. */
function checkWritable(op: string, self: Tensor): void {
  if (self.shape.some((s, k) => s > 1 && self.strides[k] === 0))
    fail(
      op,
      `${describe(self)} is an expanded view (strides ${fmtShape(self.strides)}): several of its elements share one memory location, so it cannot be written in place; clone() it first`,
    );
}

function checkNotLeaf(op: string, self: Tensor, root: Tensor | null): void {
  const leaf = root ?? self;
  if (!leaf.isLeaf || !leaf.requiresGrad) return;
  const what = root ? `a view of a leaf tensor that requires grad (${describe(root)})` : `a leaf tensor that requires grad (${describe(self)})`;
  fail(
    op,
    `${what} cannot be changed in place while gradients are recorded: its gradient would no longer match its values. ` +
      'Change it under torch.noGrad(() => ...), as an optimizer step does, or change a clone()',
  );
}

function sameWindow(a: Tensor, b: Tensor): boolean {
  return a.offset === b.offset && a.shape.length === b.shape.length && a.shape.every((s, k) => s === b.shape[k] && a.strides[k] === b.strides[k]);
}

/** A detached copy of `t`'s values carrying `t`'s current history: what ops see of `t` from before the write. */
function snapshot(t: Tensor): Tensor {
  const x = withGradMode(false, () => copy(t));
  x.gradFn = t.gradFn;
  x.requiresGrad = t.requiresGrad;
  return x;
}

/** Gives `t` the history of having been copied from `values` (none when it needs no gradient). */
function takeHistory(t: Tensor, op: 'copy', values: Tensor): void;
function takeHistory(t: Tensor, op: 'copySlices', base: Tensor, values: Tensor, window: Parameters<typeof windowOf>[1]): void;
function takeHistory(t: Tensor, op: 'copy' | 'copySlices', a: Tensor, b?: Tensor, window?: Parameters<typeof windowOf>[1]): void {
  if (!isGradEnabled()) {
    // Only a torch.func tape is listening: the tensor's autograd state stays as it is.
    tapeRecord(op, op === 'copy' ? [a] : [a, b!], op === 'copy' ? {} : window!, t);
    return;
  }
  t.gradFn = null;
  t.requiresGrad = false;
  if (op === 'copy') record(t, 'copy', [a], {});
  else record(t, 'copySlices', [a, b!], window!);
  t.rebases++;
}

/** In place on a tensor that is not a view: it becomes a copy of the out-of-place result. */
function rewriteSelf(self: Tensor, work: InPlaceWork): void {
  const before = work.readsSelf ? snapshot(self) : aliasOf(self);
  const result = work.functional(before);
  copyInto(self, result);
  self.rememberIdentity(before.gradFn, before.requiresGrad, before);
  takeHistory(self, 'copy', result.dtype === self.dtype ? result : result.to(self.dtype));
}

/** The tensor itself under another object carrying its current history (its values are about to change). */
function aliasOf(t: Tensor): Tensor {
  // ---- torch.func (#24): not t.detach(), which a tape records as cutting the tangent; a 'lift' carries t's batch and tangent ----
  const x = liftedView(t);
  x.gradFn = t.gradFn;
  x.requiresGrad = t.requiresGrad;
  return x;
}

/** In place through a view: the root's history becomes the old root with the view's window replaced. */
function rewriteRoot(op: string, self: Tensor, root: Tensor, work: InPlaceWork): void {
  if (!root.isContiguous())
    fail(
      op,
      `writing in place through a view of a non-contiguous tensor (${describe(root)}) while recording gradients is not supported; clone() the tensor first`,
    );
  const window = { shape: self.shape, strides: self.strides, offset: self.offset - root.offset };
  const before = snapshot(root);
  const result = work.functional(windowOf(before, window));
  copyInto(self, result);
  root.rememberIdentity(before.gradFn, before.requiresGrad, before);
  takeHistory(root, 'copySlices', before, result.dtype === self.dtype ? result : result.to(self.dtype), window);
}
