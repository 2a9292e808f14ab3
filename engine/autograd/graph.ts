/**
 * The autograd record: each tensor made by a differentiable op while grad mode is on remembers
 * the op, its inputs and what the op saved for its gradient rule.
 */
import { isGradEnabled } from '../core/runtime';
import type { Tensor } from '../tensor';

export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly ctx: Readonly<Record<string, unknown>>;
  /** Which output of a multi-output op this tensor is. */
  readonly outputIndex: number;
}

/** Attaches a node to `out` when grad mode is on and some input requires a gradient. */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], ctx: Record<string, unknown> = {}, outputIndex = 0): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = { op, inputs, ctx, outputIndex };
  }
  return out;
}
