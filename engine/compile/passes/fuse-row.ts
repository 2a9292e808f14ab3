/**
 * Row fusion (Inductor's persistent reduction): a pointwise consumer over a reduction's whole
 * domain that reads the row result broadcast along the reduced dims runs in the reduction's
 * kernel, after the row is reduced: softmax's divide, layer norm's normalize.
 */
import { contiguousStrides } from '../../core/shape';
import type { Graph } from '../ir';
import { MAX_BUFFERS, dedupeLeaves, isFlat, mapExpr, readCounts, writerIndex, type ElementwiseNode } from './fusion-utils';

export function fuseRows(graph: Graph): void {
  for (let ci = 0; ci < graph.nodes.length; ci++) {
    const consumer = graph.nodes[ci];
    if (consumer.kind !== 'elementwise' || !isFlat(consumer.out)) continue;
    if (fuseOne(graph, ci, consumer)) ci--;
  }
}

function fuseOne(graph: Graph, ci: number, consumer: ElementwiseNode): boolean {
  const writer = writerIndex(graph);
  const counts = readCounts(graph);
  for (let k = 0; k < consumer.inputs.length; k++) {
    const input = consumer.inputs[k];
    const ri = writer.get(input.value);
    if (ri === undefined || ri >= ci) continue;
    const r = graph.nodes[ri];
    if (r.kind !== 'reduce' || r.post || !isFlat(r.out) || (counts.get(input.value) ?? 0) > 1) continue;
    if (consumer.out.shape.join() !== r.shape.join() || input.offset !== 0) continue;
    const rowStrides = contiguousStrides(r.shape.slice(0, r.keptDims));
    const broadcastRow = input.strides.every((s, d) => r.shape[d] === 1 || (d < r.keptDims ? s === rowStrides[d] : s === 0));
    if (!broadcastRow) continue;
    const others = consumer.inputs.filter((_, j) => j !== k);
    if (others.some((v) => (writer.get(v.value) ?? -1) >= ri)) continue;
    const expr = mapExpr(consumer.expr, (j, leaf) => ({ ...leaf, index: j === k ? 0 : j < k ? j + 1 : j }));
    const merged = dedupeLeaves(expr, others, 1);
    if (r.leaves.length + (r.epilogue?.leaves.length ?? 0) + 1 + merged.leaves.length + 1 > MAX_BUFFERS) continue;
    graph.nodes[ri] = { ...r, post: { expr: merged.expr, leaves: merged.leaves, scalars: consumer.scalars, out: consumer.out } };
    graph.nodes.splice(ci, 1);
    return true;
  }
  return false;
}
