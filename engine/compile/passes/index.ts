/** The compiler's passes, in order: each a small function over the graph, tested alone. */
import type { Graph } from '../ir';
import { eliminateCommonSubexpressions } from './cse';
import { eliminateDeadCode } from './dce';
import { fuseElementwise } from './fuse-elementwise';
import { fuseEpilogues } from './fuse-epilogue';
import { fusePrologues } from './fuse-prologue';
import { fuseRows } from './fuse-row';
import { foldConstants } from './fold';
import { simplifyViews } from './simplify-views';

export interface PassReport {
  graph: 'forward' | 'backward';
  pass: string;
  nodesBefore: number;
  nodesAfter: number;
  /** Whether the pass rewrote anything (a node dropped, added or replaced), not only the node count. */
  changed: boolean;
}

export const PASSES: { name: string; run: (g: Graph) => void }[] = [
  { name: 'dce', run: eliminateDeadCode },
  { name: 'cse', run: eliminateCommonSubexpressions },
  { name: 'simplify_views', run: simplifyViews },
  { name: 'dce', run: eliminateDeadCode },
  { name: 'fuse_pointwise', run: fuseElementwise },
  { name: 'dce', run: eliminateDeadCode },
  { name: 'fuse_reduction_prologue', run: fusePrologues },
  { name: 'fuse_epilogue', run: fuseEpilogues },
  { name: 'fuse_pointwise', run: fuseElementwise },
  { name: 'fuse_rows', run: fuseRows },
  { name: 'fold', run: foldConstants },
  { name: 'dce', run: eliminateDeadCode },
];

export function optimize(graph: Graph, which: PassReport['graph']): PassReport[] {
  return PASSES.map(({ name, run }) => {
    const before = [...graph.nodes];
    run(graph);
    const changed = graph.nodes.length !== before.length || graph.nodes.some((n, i) => n !== before[i]);
    return { graph: which, pass: name, nodesBefore: before.length, nodesAfter: graph.nodes.length, changed };
  });
}
