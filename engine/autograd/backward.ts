/**
 * The backward walk: reverse topological order over the record from one or more outputs. It
 * accumulates into leaves' .grad (backward) or returns the gradients of chosen tensors
 * (torch.autograd.grad), runs tensors' hooks, keeps retained non-leaf gradients, and frees the
 * graph and its own temporaries at once unless asked to keep them (retainGraph, createGraph).
 */
import { fail, fmtShape } from '../core/errors';
import { withGradMode } from '../core/runtime';
import { withInternalScope } from '../core/storage-ref';
import { shapesEqual } from '../core/shape';
import { full } from '../ops/creation';
import type { Tensor } from '../tensor';
import { releasedNode, type GradNode } from './graph';
import { checkSavedVersions } from './saved';
import { inputGradients } from './rules';

export interface BackwardOptions {
  /** Keep what the graph saved so backward can run through it again. */
  retainGraph?: boolean;
  /** Record the gradient computation itself, for higher-order gradients (implies retainGraph). */
  createGraph?: boolean;
}

/** A gradient pass: its outputs, their gradients, and (for autograd.grad) the tensors whose gradients it returns. */
export interface BackwardPass extends BackwardOptions {
  op: string;
  roots: readonly Tensor[];
  gradOutputs: readonly (Tensor | null | undefined)[];
  /** null: accumulate into leaves' .grad (backward). */
  targets: readonly Tensor[] | null;
}

const describe = (t: Tensor) => `the ${t.dtype} tensor of shape ${fmtShape(t.shape)}`;

/**
 * The tensor input `k` of `node` stands for in the graph: itself, or the identity it had when the
 * op ran if an in-place op has rewritten its history since (TensorBase.priorIdentities).
 */
export function inputIdentity(node: GradNode, k: number): Tensor {
  const input = node.inputs[k];
  const fns = node.released ? undefined : node.inputFns;
  if (!fns || input.priorIdentities === null) return input;
  const fn = fns[k];
  return input.gradFn === fn ? input : (input.priorIdentities.get(fn) ?? input);
}

/** Tensors with a grad node reachable from `roots`, each after everything it was computed from. */
function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = roots.map((r): [Tensor, boolean] => [r, false]).reverse();
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t) || !t.gradFn) continue;
    seen.add(t);
    stack.push([t, true]);
    const node = t.gradFn;
    for (let k = 0; k < node.inputs.length; k++) {
      const input = inputIdentity(node, k);
      if (input.gradFn && !seen.has(input)) stack.push([input, false]);
    }
  }
  return order;
}

function startGradient(op: string, root: Tensor, gradient: Tensor | null | undefined): Tensor {
  if (!gradient) {
    if (root.numel() !== 1)
      fail(op, `grad can be created implicitly only for scalar outputs; this output has shape ${fmtShape(root.shape)}: pass a gradient of that shape`);
    return full(root.shape, 1, { dtype: root.dtype, device: root.device });
  }
  if (gradient.device !== root.device)
    fail(op, `the gradient is on '${gradient.device}' but the output is on '${root.device}' (move it with .to('${root.device}'))`);
  if (!shapesEqual(gradient.shape, root.shape)) fail(op, `gradient shape ${fmtShape(gradient.shape)} does not match output shape ${fmtShape(root.shape)}`);
  return gradient.to(root.dtype);
}

/** Runs a gradient pass; returns the gradients of `targets` (null for one no gradient reached). */
export function runBackward(pass: BackwardPass): (Tensor | null)[] {
  const { op, roots, targets } = pass;
  const createGraph = pass.createGraph ?? false;
  const retainGraph = pass.retainGraph ?? createGraph;
  for (const r of roots) if (!r.requiresGrad) fail(op, `the tensor does not require grad: ${describe(r)} (create inputs with { requiresGrad: true })`);
  const order = topoOrder(roots);
  for (const t of order) {
    if (t.gradFn!.released)
      fail(
        op,
        `trying to backward through the graph a second time: ${describe(t)} made by ${t.gradFn!.op} had its graph freed by an earlier backward; ` +
          'pass { retainGraph: true } to the earlier call to keep it',
      );
  }
  const kept: Tensor[] = [];
  const walk = () => walkGraph(pass, order, kept);
  // Every tensor the walk makes is internal except the gradients it hands out; with createGraph they are part of the new graph.
  const result = createGraph
    ? withGradMode(true, walk)
    : withInternalScope(
        () => withGradMode(false, walk),
        () => kept,
      );
  if (!retainGraph) for (const t of order) t.gradFn = releasedNode(t.gradFn!);
  return targets ? result : [];
}

function runHooks(t: Tensor, g: Tensor): Tensor {
  for (const hook of t.gradHooks ?? []) {
    const replaced = hook(g);
    if (replaced === undefined || replaced === null) continue;
    if (!shapesEqual(replaced.shape, g.shape))
      fail('registerHook', `the hook on ${describe(t)} returned a gradient of shape ${fmtShape(replaced.shape)}; it must keep shape ${fmtShape(g.shape)}`);
    g = replaced;
  }
  return g;
}

function walkGraph(pass: BackwardPass, order: readonly Tensor[], kept: Tensor[]): (Tensor | null)[] {
  const { targets } = pass;
  const grads = new Map<Tensor, Tensor>();
  const add = (t: Tensor, g: Tensor) => {
    const prev = grads.get(t);
    grads.set(t, prev ? prev.add(g) : g);
  };
  pass.roots.forEach((r, i) => add(r, startGradient(pass.op, r, pass.gradOutputs[i])));
  const captured = new Map<Tensor, Tensor>();
  const finish = (t: Tensor, g: Tensor): Tensor => {
    const final = runHooks(t, g);
    if (targets?.includes(t)) captured.set(t, final);
    else if (!targets && (t.isLeaf || t.retainsGrad)) accumulate(t, final, kept);
    return final;
  };
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const node = t.gradFn!;
    const incoming = grads.get(t);
    if (!incoming) continue;
    // runBackward refused a freed graph before the walk: this narrows the node to one with its ctx.
    if (node.released) fail(pass.op, `internal: the ${node.op} node was freed before the walk reached it`);
    grads.delete(t);
    checkSavedVersions(pass.op, node.op, node.saved);
    const g = finish(t, incoming);
    const inputGrads = inputGradients(node, g, t);
    node.inputs.forEach((_, k) => {
      const input = inputIdentity(node, k);
      const ig = inputGrads[k];
      if (!ig || !input.requiresGrad) return;
      if (!shapesEqual(ig.shape, input.shape))
        fail(pass.op, `internal: the ${node.op} rule gave a gradient of shape ${fmtShape(ig.shape)} for an input of shape ${fmtShape(input.shape)}`);
      add(input, ig);
    });
  }
  // What is left are leaves: each gets its whole gradient at once, so its hooks see the sum.
  for (const [t, g] of grads) if (!t.gradFn) finish(t, g);
  if (!targets) return [];
  const out = targets.map((t) => captured.get(t) ?? null);
  kept.push(...out.filter((g): g is Tensor => g !== null));
  return out;
}

function accumulate(t: Tensor, g: Tensor, kept: Tensor[]): void {
  const grad = g.dtype === t.dtype ? g : g.to(t.dtype);
  t.grad = t.grad ? t.grad.add(grad) : grad.storageRef === t.storageRef ? grad.clone() : grad;
  kept.push(t.grad);
}

/** `loss.backward()`: accumulates into the leaves' (and retained tensors') .grad. */
export function backwardFrom(root: Tensor, gradient?: Tensor, opts: BackwardOptions = {}): void {
  runBackward({ op: 'backward', roots: [root], gradOutputs: [gradient], targets: null, ...opts });
}
