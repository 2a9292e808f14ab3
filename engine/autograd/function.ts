/** torch.autograd: grad() and Function, PyTorch's custom autograd functions. */
import { fail, fmtShape } from '../core/errors';
import { withGradMode } from '../core/runtime';
import { Tensor } from '../tensor';
import { runBackward } from './backward';
import { record } from './graph';
import { sumToShape } from './rules';

/** Whether `shape` broadcasts to `target`. */
function expandsTo(shape: readonly number[], target: readonly number[]): boolean {
  const lead = target.length - shape.length;
  return lead >= 0 && shape.every((s, i) => s === target[i + lead] || s === 1);
}

export interface GradOptions {
  /** The gradients of `outputs` (needed for non-scalar outputs), one per output; null for a scalar's 1. */
  gradOutputs?: readonly (Tensor | null)[] | Tensor;
  /** Keep the graph for another backward (default: createGraph). */
  retainGraph?: boolean;
  /** Record the gradient computation so the gradients can be differentiated again. */
  createGraph?: boolean;
  /** Give null for an input the outputs do not depend on (else that is an error). */
  allowUnused?: boolean;
}

const asList = (t: Tensor | readonly Tensor[]): readonly Tensor[] => (t instanceof Tensor ? [t] : t);

/** The gradients of `outputs` with respect to `inputs`, returned rather than accumulated into .grad. */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const roots = asList(outputs);
  const targets = asList(inputs);
  const gradOutputs = opts.gradOutputs === undefined ? [] : opts.gradOutputs instanceof Tensor ? [opts.gradOutputs] : opts.gradOutputs;
  if (gradOutputs.length && gradOutputs.length !== roots.length)
    fail('autograd.grad', `got ${gradOutputs.length} gradOutputs for ${roots.length} outputs: give one per output`);
  targets.forEach((t, i) => {
    if (!(t instanceof Tensor)) fail('autograd.grad', `input ${i} is not a tensor`);
    if (!t.requiresGrad) fail('autograd.grad', `input ${i} (${t.dtype}, shape ${fmtShape(t.shape)}) does not require grad`);
  });
  const grads = runBackward({ op: 'autograd.grad', roots, gradOutputs, targets, retainGraph: opts.retainGraph, createGraph: opts.createGraph });
  grads.forEach((g, i) => {
    if (!g && !opts.allowUnused)
      fail(
        'autograd.grad',
        `input ${i} (${targets[i].dtype}, shape ${fmtShape(targets[i].shape)}) was not used to compute the outputs (pass { allowUnused: true } to get null for it)`,
      );
  });
  return grads;
}

/** What forward and backward of a Function share: saved tensors, and any field set on it. */
export class FunctionCtx {
  [key: string]: unknown;
  private saved: readonly Tensor[] = [];
  /** Keeps tensors from forward for backward (read them back as `savedTensors`). */
  saveForBackward(...tensors: Tensor[]): void {
    this.saved = tensors;
  }
  /** The tensors `saveForBackward` kept, in order. */
  get savedTensors(): readonly Tensor[] {
    return this.saved;
  }
}

type Grad = Tensor | null | undefined;

/** The statics a subclass defines (not declared on the base, so subclasses need no `override`). */
interface FunctionStatics {
  forward(ctx: FunctionCtx, ...args: unknown[]): unknown;
  backward(ctx: FunctionCtx, ...grads: Tensor[]): Grad | readonly Grad[];
}

/**
 * A custom differentiable op, as torch.autograd.Function: subclass it with static
 * `forward(ctx, ...args)` (run with grad off) and `backward(ctx, gradOutput)` returning one
 * gradient per forward argument (null for non-tensors and where none flows), then call
 * `MyFn.apply(...args)`. The output is one tensor.
 */
export class AutogradFunction {
  /** Runs the subclass's static `forward` and records it so that backward calls its static `backward`. */
  static apply(...args: unknown[]): Tensor {
    const name = this.name || 'Function';
    const ctx = new FunctionCtx();
    const { forward, backward: userBackward } = this as unknown as Partial<FunctionStatics>;
    if (typeof forward !== 'function') fail(`${name}.forward`, 'a torch.autograd.Function subclass must define static forward(ctx, ...args)');
    if (typeof userBackward !== 'function') fail(`${name}.backward`, 'a torch.autograd.Function subclass must define static backward(ctx, gradOutput)');
    const out = withGradMode(false, () => forward.call(this, ctx, ...args));
    if (!(out instanceof Tensor)) fail(`${name}.forward`, `must return one tensor; it returned ${typeof out}`);
    const positions = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    const inputs = positions.map((i) => args[i] as Tensor);
    const backward = (g: Tensor): (Tensor | null)[] => {
      const returned = userBackward.call(this, ctx, g);
      const list: readonly Grad[] = Array.isArray(returned) ? returned : [returned as Grad];
      if (list.length !== args.length && !(list.length === 1 && inputs.length === 1))
        fail(`${name}.backward`, `returned ${list.length} gradients for ${args.length} forward arguments: return one per argument (null for non-tensors)`);
      return inputs.map((input, k) => {
        const ig = list.length === args.length ? list[positions[k]] : list[0];
        if (ig === null || ig === undefined) return null;
        if (!(ig instanceof Tensor)) fail(`${name}.backward`, `gradient ${positions[k]} is not a tensor or null`);
        // As PyTorch: a gradient of the input's broadcast shape is summed back down to it.
        if (!expandsTo(input.shape, ig.shape))
          fail(`${name}.backward`, `gradient ${positions[k]} has shape ${fmtShape(ig.shape)}; its input has shape ${fmtShape(input.shape)}`);
        return sumToShape(ig, input.shape);
      });
    };
    // forward's output may be one of its inputs (or share its storage): the record goes on a view of its own.
    const result = inputs.includes(out) ? out.detach() : out;
    return record(result, 'autogradFunction', inputs, { name, backward });
  }
}
