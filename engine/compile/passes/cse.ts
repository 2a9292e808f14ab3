/** Common subexpression elimination: a node identical to an earlier one reuses its result. */
import { exprKey } from '../../ops/op-types';
import type { Graph, Node, Value, ValueView } from '../ir';
import { writes } from '../ir';
import { assertNever } from '../../core/assert-never';

function viewKey(v: ValueView): string {
  return `${v.value.id}@${v.offset}:${v.shape.join('x')}/${v.strides.join(',')}:${v.dtype}`;
}

/** A key for nodes that compute a fresh value from their reads alone (null for the rest). */
function nodeKey(n: Node): string | null {
  switch (n.kind) {
    case 'elementwise':
      return `ew|${exprKey(n.expr)}|${n.inputs.map(viewKey).join(';')}|${n.scalars.join(',')}|${n.out.shape.join('x')}/${n.out.strides.join(',')}`;
    case 'reduce':
      return n.epilogue || n.post ? null : `red|${n.op}|${exprKey(n.expr)}|${n.leaves.map(viewKey).join(';')}|${n.scalars.join(',')}|${n.keptDims}`;
    case 'matmul':
      return n.epilogue ? null : `mm|${viewKey(n.a)}|${viewKey(n.b)}`;
    case 'zeros':
    case 'upload':
    case 'argReduce':
    case 'cumsum':
    case 'gather':
    case 'scatterAdd':
    case 'scatter':
    case 'searchSorted':
    case 'sort':
    case 'scan':
      return null;
    default:
      return assertNever(n);
  }
}

export function eliminateCommonSubexpressions(graph: Graph): void {
  const seen = new Map<string, Value>();
  const rename = new Map<Value, Value>();
  const mapView = (v: ValueView): ValueView => (rename.has(v.value) ? { ...v, value: rename.get(v.value)! } : v);
  const writeCounts = new Map<Value, number>();
  for (const n of graph.nodes) for (const v of writes(n)) writeCounts.set(v, (writeCounts.get(v) ?? 0) + 1);
  const kept: Node[] = [];
  for (const original of graph.nodes) {
    const node = renameReads(original, mapView);
    const key = nodeKey(node);
    const out = writes(node)[0];
    // Only values written once (not windows of a cat) and not returned can be replaced.
    if (key && writeCounts.get(out) === 1 && !graph.outputs.includes(out) && 'out' in node && (node.out as ValueView).offset === 0) {
      const prior = seen.get(key);
      if (prior) {
        rename.set(out, prior);
        continue;
      }
      seen.set(key, out);
    }
    kept.push(node);
  }
  graph.nodes = kept;
}

function renameReads(n: Node, f: (v: ValueView) => ValueView): Node {
  switch (n.kind) {
    case 'elementwise':
      return { ...n, inputs: n.inputs.map(f) };
    case 'reduce':
      return {
        ...n,
        leaves: n.leaves.map(f),
        epilogue: n.epilogue && { ...n.epilogue, leaves: n.epilogue.leaves.map(f) },
        post: n.post && { ...n.post, leaves: n.post.leaves.map(f) },
      };
    case 'argReduce':
    case 'cumsum':
    case 'sort':
    case 'scan':
      return { ...n, input: f(n.input) };
    case 'matmul':
      return { ...n, a: f(n.a), b: f(n.b), epilogue: n.epilogue && { ...n.epilogue, leaves: n.epilogue.leaves.map(f) } };
    case 'gather':
      return { ...n, input: f(n.input), index: f(n.index) };
    case 'scatterAdd':
    case 'scatter':
      return { ...n, src: f(n.src), index: f(n.index) };
    case 'searchSorted':
      return { ...n, sorted: f(n.sorted), values: f(n.values) };
    case 'zeros':
    case 'upload':
      return n;
    default:
      return assertNever(n);
  }
}
