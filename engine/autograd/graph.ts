/**
 * The autograd record: each tensor made by a differentiable op while grad mode is on remembers
 * the op, its inputs and what the op saved for its gradient rule.
 */
import { isGradEnabled } from '../core/runtime';
import type { BinaryOp, ReduceOp, UnaryOp } from '../ops/op-types';
import type { Tensor } from '../tensor';

/** Every op that records itself; `GRAD_RULES` has exactly one rule for each. */
export type GradOp =
  | UnaryOp
  | BinaryOp
  | ReduceOp
  | 'where' | 'cast' | 'copy' | 'flip' | 'cat' | 'transfer'
  | 'view' | 'permute' | 'expand' | 'slice' | 'select'
  | 'argReduceValues' | 'cumsum' | 'matmul' | 'gather' | 'scatterAdd' | 'pad'
  | 'softmax' | 'logSoftmax'
  /** A compiled function: its backward is a compiled graph too (ctx.backward). */
  | 'compiled';

export interface GradNode {
  readonly op: GradOp;
  inputs: readonly Tensor[];
  ctx: Readonly<Record<string, unknown>>;
  /** Set once a backward pass has freed what this node saved. */
  released: boolean;
}

/** Attaches a node to `out` when grad mode is on and some input requires a gradient. */
export function record(out: Tensor, op: GradOp, inputs: readonly Tensor[], ctx: Record<string, unknown> = {}): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = { op, inputs, ctx, released: false };
  }
  return out;
}
