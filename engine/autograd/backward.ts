/** The backward walk: reverse topological order over the record, accumulating into leaves' .grad. */
import { fail, fmtShape } from '../core/errors';
import { withGradMode } from '../core/runtime';
import { withInternalScope } from '../core/storage-ref';
import { shapesEqual } from '../core/shape';
import { full } from '../ops/creation';
import type { Tensor } from '../tensor';
import { releasedNode } from './graph';
import { inputGradients } from './rules';

export interface BackwardOptions {
  /** Keep what the graph saved so backward can run through it again. */
  retainGraph?: boolean;
}

/** Tensors with a grad node reachable from `root`, each after everything it was computed from. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t) || !t.gradFn) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const input of t.gradFn.inputs) if (input.gradFn && !seen.has(input)) stack.push([input, false]);
  }
  return order;
}

export function backwardFrom(root: Tensor, gradient?: Tensor, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) fail('backward', 'the tensor does not require grad (create inputs with { requiresGrad: true })');
  if (!gradient && root.numel() !== 1)
    fail('backward', `grad can be created implicitly only for scalar outputs; this output has shape ${fmtShape(root.shape)}: pass a gradient of that shape`);
  if (gradient && gradient.device !== root.device)
    fail('backward', `the gradient is on '${gradient.device}' but the output is on '${root.device}' (move it with .to('${root.device}'))`);
  if (gradient && !shapesEqual(gradient.shape, root.shape))
    fail('backward', `gradient shape ${fmtShape(gradient.shape)} does not match output shape ${fmtShape(root.shape)}`);
  const order = topoOrder(root);
  for (const t of order) {
    if (t.gradFn!.released)
      fail(
        'backward',
        'trying to backward through the graph a second time: the first backward freed it (pass { retainGraph: true } to the first call to keep it)',
      );
  }
  const leaves = new Set<Tensor>();
  // Every tensor the walk makes is internal except the leaves' new .grad values: free the rest now.
  withInternalScope(
    () => withGradMode(false, () => walk(root, order, gradient, leaves)),
    () => [...leaves].map((l) => l.grad!),
  );
  if (!opts.retainGraph) {
    for (const t of order) t.gradFn = releasedNode(t.gradFn!);
  }
}

function walk(root: Tensor, order: readonly Tensor[], gradient: Tensor | undefined, leaves: Set<Tensor>): void {
  const grads = new Map<Tensor, Tensor>();
  const start = gradient ? gradient.to(root.dtype) : full(root.shape, 1, { dtype: root.dtype, device: root.device });
  if (!root.gradFn) return accumulateLeaf(root, start, leaves);
  grads.set(root, start);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const g = grads.get(t);
    const node = t.gradFn!;
    if (!g) continue;
    // backwardFrom refused a freed graph before the walk: this narrows the node to one with its ctx.
    if (node.released) fail('backward', `internal: the ${node.op} node was freed before the walk reached it`);
    grads.delete(t);
    const inputGrads = inputGradients(node, g, t);
    node.inputs.forEach((input, k) => {
      const ig = inputGrads[k];
      if (!ig || !input.requiresGrad) return;
      if (!shapesEqual(ig.shape, input.shape))
        fail('backward', `internal: the ${node.op} rule gave a gradient of shape ${fmtShape(ig.shape)} for an input of shape ${fmtShape(input.shape)}`);
      if (input.gradFn) {
        const prev = grads.get(input);
        grads.set(input, prev ? prev.add(ig) : ig);
      } else {
        accumulateLeaf(input, ig, leaves);
      }
    });
  }
}

function accumulateLeaf(leaf: Tensor, g: Tensor, leaves: Set<Tensor>): void {
  leaves.add(leaf);
  const grad = g.dtype === leaf.dtype ? g : g.to(leaf.dtype);
  leaf.grad = leaf.grad ? leaf.grad.add(grad) : grad.storageRef === leaf.storageRef ? grad.clone() : grad;
}
