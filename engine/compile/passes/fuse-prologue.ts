/**
 * Prologue fusion: a pointwise producer read by a reduction is computed inside the reduction's
 * loads. The reduction reads its input through a permutation of the producer's layout, so the
 * producer's leaves are permuted the same way.
 */
import type { Graph } from '../ir';
import { contiguousStrides } from '../../core/shape';
import { MAX_BUFFERS, isFlat, mapExpr, readCounts, writerIndex, writtenBetween } from './fusion-utils';

/** The permutation p with view dim d = layout dim p[d], when `strides` permute a contiguous layout. */
function permutationOf(shape: readonly number[], strides: readonly number[], layout: readonly number[]): number[] | null {
  const flat = contiguousStrides(layout);
  const used = new Set<number>();
  const perm: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const j = layout.findIndex((s, jj) => !used.has(jj) && s === shape[d] && (s === 1 || flat[jj] === strides[d]));
    if (j < 0) return null;
    used.add(j);
    perm.push(j);
  }
  return used.size === layout.length ? perm : null;
}

export function fusePrologues(graph: Graph): void {
  for (let ri = 0; ri < graph.nodes.length; ri++) {
    const node = graph.nodes[ri];
    if (node.kind !== 'reduce' || node.leaves.length !== 1 || node.expr.kind !== 'input') continue;
    const leaf = node.leaves[0];
    const pi = writerIndex(graph).get(leaf.value);
    if (pi === undefined || pi >= ri) continue;
    const producer = graph.nodes[pi];
    if (producer.kind !== 'elementwise' || !isFlat(producer.out) || leaf.offset !== 0) continue;
    if ((readCounts(graph).get(leaf.value) ?? 0) > 1) continue;
    if (
      writtenBetween(
        graph,
        pi,
        ri,
        producer.inputs.map((v) => v.value),
      )
    )
      continue;
    if (producer.inputs.length + 1 > MAX_BUFFERS) continue;
    const perm = permutationOf(leaf.shape, leaf.strides, producer.out.shape);
    if (!perm) continue;
    graph.nodes[ri] = {
      ...node,
      expr: mapExpr(producer.expr, (_, e) => e),
      leaves: producer.inputs.map((v) => ({ ...v, shape: [...leaf.shape], strides: perm.map((j) => v.strides[j]) })),
      scalars: [...producer.scalars],
    };
    graph.nodes.splice(pi, 1);
    ri--;
  }
}
