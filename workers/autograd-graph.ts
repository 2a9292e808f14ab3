// A tensor's autograd history as a graph the page draws with the compiled-graph view: one node per
// recorded op (`MulBackward`), one per leaf (parameters that want a gradient, constants that
// don't), edges from inputs to the op that used them. Walked from the tensor to a bounded size.
import type { GraphData, Tensor } from '../engine';

/** More nodes than this are left out (the graph of a long training loop would not fit a page). */
export const AUTOGRAD_NODE_LIMIT = 200;

type Node = GraphData['nodes'][number];

function backwardName(op: string): string {
  return `${op.charAt(0).toUpperCase()}${op.slice(1)}Backward`;
}

/** The graph behind `root`, or null when it has no history (a leaf, or made without grad). */
export function autogradGraph(root: Tensor, limit = AUTOGRAD_NODE_LIMIT): { graph: GraphData; truncated: boolean } | null {
  if (!root.gradFn) return null;
  const ids = new Map<Tensor, string>();
  const nodes: Node[] = [];
  const edges: GraphData['edges'] = [];
  const queue: Tensor[] = [root];
  let truncated = false;
  const idOf = (t: Tensor): string | null => {
    const known = ids.get(t);
    if (known) return known;
    if (nodes.length >= limit) {
      truncated = true;
      return null;
    }
    const id = `t${nodes.length}`;
    ids.set(t, id);
    const fn = t.gradFn;
    const kind: Node['kind'] = t === root ? 'output' : fn ? 'kernel' : t.requiresGrad ? 'param' : 'input';
    const label = fn ? backwardName(fn.op) : t.requiresGrad ? 'leaf (requiresGrad)' : 'constant';
    nodes.push({ id, label, shape: [...t.shape], dtype: t.dtype, kind, fused: false });
    queue.push(t);
    return id;
  };
  idOf(root);
  queue.length = 0;
  queue.push(root);
  const lines: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const t = queue[i];
    const fn = t.gradFn;
    if (!fn) continue;
    const to = ids.get(t)!;
    const from = fn.inputs.map(idOf);
    for (const f of from) if (f && !edges.some((e) => e.from === f && e.to === to)) edges.push({ from: f, to });
    const released = fn.released ? ' (released by backward)' : '';
    lines.push(`${to} = ${backwardName(fn.op)}(${from.map((f) => f ?? '…').join(', ')}) [${t.shape.join(', ')}] ${t.dtype}${released}`);
  }
  if (truncated) lines.push(`… more than ${limit} nodes: the rest is left out`);
  // The root's own op is shown on the root: name it after the op that made it.
  nodes[0] = { ...nodes[0], label: `${backwardName(root.gradFn.op)} (result)` };
  return { graph: { nodes, edges, text: lines.join('\n') }, truncated };
}
