/** Dead code elimination: drop nodes none of whose written values is read later or returned. */
import { reads, writes, type Graph, type Value } from '../ir';

export function eliminateDeadCode(graph: Graph): void {
  const live = new Set<Value>(graph.outputs);
  const kept = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (!writes(node).some((v) => live.has(v))) continue;
    kept.push(node);
    for (const v of reads(node)) live.add(v);
  }
  graph.nodes = kept.reverse();
}
