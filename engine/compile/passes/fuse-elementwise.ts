/**
 * Elementwise fusion: a pointwise producer read flat by a pointwise consumer is inlined into the
 * consumer's expression; its inputs (broadcast or strided) become the consumer's, re-addressed by
 * the consumer's index. Cheap producers read by several consumers are recomputed in each.
 */
import {
  MAX_BUFFERS,
  composeLeaf,
  dedupeLeaves,
  isFlat,
  mapExpr,
  readCounts,
  reshapeLeaf,
  writerIndex,
  writtenBetween,
  type ElementwiseNode,
} from './fusion-utils';
import type { Graph } from '../ir';
import type { Expr } from '../../ops/op-types';

/** Producers with at most this many expression nodes may be recomputed for a second consumer. */
const RECOMPUTE_LIMIT = 3;

function size(e: Expr): number {
  switch (e.kind) {
    case 'input':
    case 'const':
    case 'scalar':
      return 0;
    case 'unary':
    case 'cast':
      return 1 + size(e.x);
    case 'binary':
      return 1 + size(e.a) + size(e.b);
    case 'where':
      return 1 + size(e.cond) + size(e.a) + size(e.b);
  }
}

/** Tries to inline one producer into the consumer at `ci`; returns the consumer's new index, or null. */
function fuseOne(graph: Graph, ci: number): number | null {
  const consumer = graph.nodes[ci] as ElementwiseNode;
  if (!isFlat(consumer.out)) return null;
  const writer = writerIndex(graph);
  const counts = readCounts(graph);
  for (let k = 0; k < consumer.inputs.length; k++) {
    const input = consumer.inputs[k];
    const pi = writer.get(input.value);
    if (pi === undefined || pi >= ci) continue;
    const producer = graph.nodes[pi];
    if (producer.kind !== 'elementwise' || !isFlat(producer.out)) continue;
    const shared = (counts.get(input.value) ?? 0) > 1;
    if (shared && size(producer.expr) > RECOMPUTE_LIMIT) continue;
    if (
      writtenBetween(
        graph,
        pi,
        ci,
        producer.inputs.map((v) => v.value),
      )
    )
      continue;
    // Read flat: re-address by reshaping; read through a permuted or broadcast view: compose.
    const leaves = producer.inputs.map((leaf) =>
      isFlat(input) ? reshapeLeaf(leaf, producer.out.shape, consumer.out.shape) : composeLeaf(leaf, producer.out.shape, input),
    );
    if (leaves.some((l) => l === null)) continue;
    const base = consumer.inputs.length;
    const inlined = mapExpr(producer.expr, (j, leaf) => ({ ...leaf, index: base + j }), consumer.scalars.length);
    const expr = mapExpr(consumer.expr, (j, leaf) => (j === k ? inlined : leaf));
    const merged = dedupeLeaves(expr, [...consumer.inputs, ...(leaves as NonNullable<(typeof leaves)[number]>[])]);
    // Drop leaves the new expression no longer reads (input k itself).
    const used = new Set<number>();
    mapExpr(merged.expr, (j, leaf) => (used.add(j), leaf));
    const keep = merged.leaves.map((_, j) => j).filter((j) => used.has(j));
    if (keep.length + 1 > MAX_BUFFERS) continue;
    const renumber = new Map(keep.map((j, n) => [j, n]));
    graph.nodes[ci] = {
      ...consumer,
      expr: mapExpr(merged.expr, (j, leaf) => ({ ...leaf, index: renumber.get(j)! })),
      inputs: keep.map((j) => merged.leaves[j]),
      scalars: [...consumer.scalars, ...producer.scalars],
    };
    if (shared) return ci;
    graph.nodes.splice(pi, 1);
    return ci - 1;
  }
  return null;
}

export function fuseElementwise(graph: Graph): void {
  for (let i = 0; i < graph.nodes.length; i++) {
    if (graph.nodes[i].kind !== 'elementwise') continue;
    for (let next = fuseOne(graph, i); next !== null; next = fuseOne(graph, i)) i = next;
  }
}
