/**
 * Epilogue fusion: a pointwise consumer of a matmul's or a reduction's result is folded into that
 * kernel's store (bias plus activation after a matmul; the divide of a mean after a sum).
 */
import type { Graph, Node } from '../ir';
import { MAX_BUFFERS, dedupeLeaves, isFlat, mapExpr, readCounts, reshapeLeaf, writerIndex, writtenBetween, type ElementwiseNode } from './fusion-utils';

type Host = Extract<Node, { kind: 'matmul' | 'reduce' }>;

function fuseInto(graph: Graph, ci: number): boolean {
  const consumer = graph.nodes[ci] as ElementwiseNode;
  if (!isFlat(consumer.out)) return false;
  const writer = writerIndex(graph);
  const counts = readCounts(graph);
  for (let k = 0; k < consumer.inputs.length; k++) {
    const input = consumer.inputs[k];
    const hi = writer.get(input.value);
    if (hi === undefined || hi >= ci) continue;
    const host = graph.nodes[hi];
    if ((host.kind !== 'matmul' && host.kind !== 'reduce') || host.epilogue || !isFlat(host.out) || !isFlat(input)) continue;
    if ((counts.get(input.value) ?? 0) > 1) continue;
    const others = consumer.inputs.filter((_, j) => j !== k);
    // The other leaves are read at the host's store: they must exist there already.
    if (
      others.some((v) => (writer.get(v.value) ?? -1) > hi) ||
      writtenBetween(
        graph,
        hi,
        ci,
        others.map((v) => v.value),
      )
    )
      continue;
    const leaves = others.map((leaf) => reshapeLeaf(leaf, consumer.out.shape, host.out.shape));
    if (leaves.some((l) => l === null)) continue;
    const position = (j: number) => (j < k ? j + 1 : j);
    const expr = mapExpr(consumer.expr, (j, leaf) => (j === k ? { ...leaf, index: 0 } : { ...leaf, index: position(j) }));
    const merged = dedupeLeaves(expr, leaves as NonNullable<(typeof leaves)[number]>[], 1);
    const hostBuffers = host.kind === 'matmul' ? 3 : host.leaves.length + 1;
    if (hostBuffers + merged.leaves.length > MAX_BUFFERS) continue;
    const fused: Host = {
      ...host,
      out: { ...host.out, value: consumer.out.value, dtype: consumer.out.dtype },
      epilogue: { expr: merged.expr, leaves: merged.leaves, scalars: consumer.scalars, dtype: consumer.out.dtype },
    };
    graph.nodes[hi] = fused;
    graph.nodes.splice(ci, 1);
    return true;
  }
  return false;
}

export function fuseEpilogues(graph: Graph): void {
  for (let i = 0; i < graph.nodes.length; i++) {
    if (graph.nodes[i].kind === 'elementwise' && fuseInto(graph, i)) i--;
  }
}
