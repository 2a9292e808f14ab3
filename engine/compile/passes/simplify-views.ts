/**
 * View and layout simplification: a copy made only to change layout (`x.t().contiguous()`, a
 * reshape of a strided tensor) is dropped when every later op reads the copy whole, in its own
 * layout; those ops read the source view directly instead (every kernel reads strided views).
 */
import { mapValues, reads, writes, isPartialWrite, type Graph, type Node, type ValueView } from '../ir';
import { contiguousStrides } from '../../core/shape';

const isLayoutCopy = (n: Node): n is Extract<Node, { kind: 'elementwise' }> =>
  n.kind === 'elementwise' &&
  n.expr.kind === 'input' &&
  n.expr.index === 0 &&
  n.inputs.length === 1 &&
  n.inputs[0].dtype === n.out.dtype &&
  !isPartialWrite(n.out);

/** Whether `v` reads the copy's result whole, as the copy laid it out. */
function readsWhole(v: ValueView, copy: ValueView): boolean {
  const strides = contiguousStrides(copy.shape);
  return (
    v.value === copy.value &&
    v.offset === 0 &&
    v.shape.length === copy.shape.length &&
    v.shape.every((d, i) => d === copy.shape[i] && (d === 1 || v.strides[i] === strides[i]))
  );
}

export function simplifyViews(graph: Graph): void {
  const outputs = new Set(graph.outputs);
  graph.nodes.forEach((copy, i) => {
    if (!isLayoutCopy(copy) || outputs.has(copy.out.value)) return;
    const later = graph.nodes.slice(i + 1);
    const readers = later.filter((n) => reads(n).includes(copy.out.value));
    if (later.some((n) => writes(n).includes(copy.out.value))) return;
    const rewrites = readers.map((n) => {
      let whole = true;
      const rewritten = mapValues(
        n,
        (v) => {
          if (v.value !== copy.out.value) return v;
          if (!readsWhole(v, copy.out)) whole = false;
          return copy.inputs[0];
        },
        (v) => v,
      );
      return whole ? rewritten : null;
    });
    if (rewrites.some((r) => r === null)) return;
    readers.forEach((n, k) => (graph.nodes[graph.nodes.indexOf(n)] = rewrites[k]!));
  });
}
