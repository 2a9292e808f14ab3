/**
 * The autograd record: each tensor made by a differentiable op while grad mode is on remembers
 * the op, its inputs and what the op saved for its gradient rule.
 */
import { isGradEnabled } from '../core/runtime';
import type { ArgReduceOp, BinaryOp, ReduceOp, UnaryOp } from '../ops/op-types';
import { tapeRecord, tapesOpen } from '../func/tape';
import type { Tensor } from '../tensor';
import type { AttentionCtx } from '../ops/attention-op';
import type { Col2imWindow, PoolOp, PoolWindow } from '../backends/backend';
import { savedVersions, type SavedVersion } from './saved';
import type { RnnStepCtx } from '../ops/rnn-cell';
import type { RnnSequenceCtx } from '../ops/rnn-sequence';

/** An operand of a binary op or `where` as the record keeps it: 'tensor' (the next input) or the number. */
export type SavedOperand = 'tensor' | number;

/** What a binary op or `where` saves: where each operand is a tensor input and, if not, its number. */
export interface OperandsCtx {
  a: SavedOperand;
  b: SavedOperand;
}

/** What a reduction over dims saves. */
export interface ReduceCtx {
  dims: readonly number[];
  keepdim: boolean;
}

/** An op that saves nothing beyond its inputs. */
export type NoCtx = Record<string, never>;

/**
 * What each recorded op saves for its gradient rule, by op: the one list of recorded ops
 * (`GRAD_RULES` has exactly one rule for each, and `record` checks each call's ctx against it).
 */
export interface GradCtx extends Record<UnaryOp, NoCtx>, Record<BinaryOp, OperandsCtx>, Record<ReduceOp, ReduceCtx> {
  where: OperandsCtx;
  cast: NoCtx;
  copy: NoCtx;
  flip: { dims: readonly number[] };
  cat: { dim: number; sizes: number[] };
  transfer: NoCtx;
  view: { inputShape: readonly number[] };
  permute: { dims: readonly number[] };
  expand: { inputShape: readonly number[] };
  slice: { dim: number; start: number; step: number };
  select: { dim: number; index: number };
  /** The values' indices along `dim` (keepdim is applied after the record). */
  argReduceValues: { op: ArgReduceOp; dim: number; indices: Tensor };
  cumsum: { dim: number };
  matmul: NoCtx;
  gather: { dim: number; index: Tensor };
  scatterAdd: { dim: number; index: Tensor };
  /** Where the input sits in the padded output, per dim. */
  pad: { starts: readonly number[]; value: number };
  softmax: { dim: number };
  logSoftmax: { dim: number };
  /** A torch.autograd.Function subclass's apply: its static backward, given the output's gradient. */
  autogradFunction: { name: string; backward: (g: Tensor) => (Tensor | null)[] };
  /** A gradient written into a window of zeros (slice, select rules), recorded for higher-order gradients: its own gradient is that window. */
  scatterWindow: { window: WindowOf };
  // ---- sort and scan ----
  /** A running product along `dim` (ops/scan.ts). */
  cumprod: { dim: number };
  /** A compiled function: its backward is a compiled graph too. */
  compiled: { backward: (g: Tensor) => (Tensor | null)[] };
  /** A view's window of its root (`offset` counted from the root's), as a view's history is once the root was changed in place. */
  asStrided: WindowCtx;
  /** The root after an in-place op through a view: the old root (input 0) with the window replaced by the view's new values (input 1). */
  copySlices: WindowCtx;
  // ---- composite ops ----
  /** scatter (assignment): inputs [x] or [x, src]. */
  scatter: { dim: number; index: Tensor; value?: number | boolean };
  /** x.unfold(dim, size, step): a view of overlapping windows, the window dim last. */
  unfold: { dim: number; size: number; step: number };
  // ---- recurrent cell step (#23) ----
  /** A fused recurrent step (ops/rnn-cell.ts): inputs [gx, h, c?, wHh, bHh?]; `saved` holds the gates (LSTM, GRU). */
  rnnStep: RnnStepCtx;
  /** A fused recurrent sequence (ops/rnn-sequence.ts): inputs [gx, h0, c0?, wHh, bHh?], output all the states. */
  rnnSequence: RnnSequenceCtx;
  // ---- attention (#23) ----
  /** The fused scaledDotProductAttention (ops/attention-op.ts): inputs [q, k, v] as 4-d views. */
  attention: AttentionCtx;
  // ---- conv and pool (#23) ----
  /** A pooling kernel (ops/pool.ts): its window, max's argmax per window, the input's shape. */
  pool2d: { kind: PoolOp; window: PoolWindow; indices: Tensor | null; inputShape: readonly number[] };
  /** A pooling kernel's gradient (linear in its input, recorded for gradients of gradients). */
  pool2dGrad: { kind: PoolOp; window: PoolWindow; indices: Tensor | null };
  /** A convolution's patches (ops/im2col.ts): their windows, the gather index, the planes' shape. */
  im2col: { window: Col2imWindow; index: Tensor; planeShape: readonly number[] };
  /** im2col's gradient (linear, recorded for gradients of gradients). */
  col2im: { window: Col2imWindow; index: Tensor; planeShape: readonly number[] };
}

/**
 * A window of `base` (a slice, a select, a strided window), for a base with `lead` extra leading
 * dims (vmap's batch dims) in front of the dims the window was taken over.
 */
export type WindowOf = (base: Tensor, lead?: number) => Tensor;

/** A window of a contiguous tensor: the view's shape, strides and offset relative to the tensor's first element. */
export interface WindowCtx {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/** Every op that records itself. */
export type GradOp = keyof GradCtx;

/** The record of one op, with what it saved, until a backward pass frees it. */
export interface GradNodeOf<P extends GradOp> {
  readonly op: P;
  readonly inputs: readonly Tensor[];
  readonly ctx: GradCtx[P];
  readonly released: false;
  /** Each input's grad node when this op ran: an input changed in place since differentiates into the tensor as it was. */
  readonly inputFns?: readonly (GradNode | null)[];
  /** The versions of the storages this op's rule reads, when it ran (PyTorch's saved-tensor check). */
  readonly saved?: readonly SavedVersion[];
}

/** A record whose inputs and saved values a backward pass has freed (only its op is kept). */
export interface ReleasedGradNode {
  readonly op: GradOp;
  readonly inputs: readonly [];
  readonly released: true;
}

export type GradNode = GradNodeOf<GradOp> | ReleasedGradNode;

/** Attaches a node to `out` when grad mode is on and some input requires a gradient. */
export function record<P extends GradOp>(out: Tensor, op: P, inputs: readonly Tensor[], ctx: GradCtx[P]): Tensor {
  if (tapesOpen()) tapeRecord(op, inputs, ctx, out);
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    const node: GradNodeOf<P> = { op, inputs, ctx, released: false, inputFns: inputs.map((t) => t.gradFn), saved: savedVersions(op, inputs, out, ctx) };
    out.gradFn = node;
  }
  return out;
}

/** The history of `view` as a window of its root `base` (see TensorBase.viewBase). */
export function viewNode(
  base: Tensor,
  view: { readonly shape: readonly number[]; readonly strides: readonly number[]; readonly offset: number },
): GradNodeOf<'asStrided'> {
  const ctx = { shape: view.shape, strides: view.strides, offset: view.offset - base.offset };
  return { op: 'asStrided', inputs: [base], ctx, released: false, inputFns: [base.gradFn], saved: [] };
}

/** The node `node` becomes once a backward pass has freed it: no references to inputs or saved tensors. */
export function releasedNode(node: GradNode): ReleasedGradNode {
  return { op: node.op, inputs: [], released: true };
}
