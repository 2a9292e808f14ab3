/**
 * Runs a graph on a real backend: binds inputs and captured storages, allocates each value when
 * first written and gives it back to the pool right after its last use.
 */
import type { Backend, Fused, Storage, View } from '../backends/backend';
import type { Graph, Node, Value, ValueView } from './ir';
import { reads, writes } from './ir';
import { setKernelGroup } from '../profile/recorder';
import { kernelOps } from './names';
import { assertNever } from '../core/assert-never';

/** When each value is last read or written, so intermediates are freed as early as possible. */
export function lastUses(graph: Graph): Map<Value, number> {
  const last = new Map<Value, number>();
  graph.nodes.forEach((node, i) => {
    for (const v of [...reads(node), ...writes(node)]) last.set(v, i);
  });
  return last;
}

export class GraphRunner {
  private readonly last: Map<Value, number>;
  /** Uploads inside the function are constants: made once, kept with the compiled graph. */
  private readonly constants = new Map<Value, Storage>();

  constructor(
    readonly graph: Graph,
    readonly backend: Backend,
  ) {
    this.last = lastUses(graph);
  }

  /** Runs the graph with `inputs` bound to graph.inputs; returns the storages of graph.outputs. */
  run(inputs: readonly Storage[], extra: ReadonlyMap<Value, Storage> = new Map()): Storage[] {
    const bound = new Map<Value, Storage>(extra);
    this.graph.inputs.forEach((v, i) => bound.set(v, inputs[i]));
    for (const [v, s] of this.graph.captured) bound.set(v, s as Storage);
    for (const [v, s] of this.constants) bound.set(v, s);
    const keep = new Set<Value>([...this.graph.outputs, ...bound.keys()]);
    const owned = new Set<Value>();
    const storageOf = (v: Value): Storage => {
      let s = bound.get(v);
      if (!s) {
        s = this.backend.allocate(v.length, v.dtype);
        bound.set(v, s);
        owned.add(v);
      }
      return s;
    };
    const view = (v: ValueView): View => ({ storage: storageOf(v.value), shape: v.shape, strides: v.strides, offset: v.offset, dtype: v.dtype });
    this.graph.nodes.forEach((node, i) => {
      setKernelGroup(kernelOps(node).join('+'));
      try {
        this.runNode(node, view, bound, owned);
      } finally {
        setKernelGroup(null);
      }
      for (const v of [...reads(node), ...writes(node)]) {
        if (this.last.get(v) === i && owned.has(v) && !keep.has(v)) {
          this.backend.release(bound.get(v)!);
          owned.delete(v);
        }
      }
    });
    return this.graph.outputs.map(storageOf);
  }

  private runNode(node: Node, view: (v: ValueView) => View, bound: Map<Value, Storage>, owned: Set<Value>): void {
    const b = this.backend;
    const fused = (f: { expr: Fused['expr']; leaves: ValueView[]; scalars: number[] } | undefined): Fused | undefined =>
      f && { expr: f.expr, leaves: f.leaves.map(view), scalars: f.scalars };
    switch (node.kind) {
      case 'zeros': {
        const s = b.zeros(node.out.length, node.out.dtype);
        bound.set(node.out, s);
        owned.add(node.out);
        return;
      }
      case 'upload': {
        let s = this.constants.get(node.out);
        if (!s) {
          s = b.upload(node.data as never, node.out.dtype);
          this.constants.set(node.out, s);
        }
        bound.set(node.out, s);
        return;
      }
      case 'elementwise':
        return b.elementwise(node.expr, node.inputs.map(view), view(node.out), node.scalars);
      case 'reduce':
        return b.reduce(
          node.op,
          fused(node)!,
          node.keptDims,
          view(node.out),
          fused(node.epilogue),
          node.post && { ...fused(node.post)!, out: view(node.post.out) },
        );
      case 'argReduce':
        return b.argReduce(node.op, view(node.input), view(node.values), view(node.indices));
      case 'cumsum':
        return b.cumsum(view(node.input), view(node.out));
      case 'matmul':
        return b.matmul(view(node.a), view(node.b), view(node.out), fused(node.epilogue));
      case 'gather':
        return b.gather(view(node.input), node.dim, view(node.index), view(node.out));
      case 'scatterAdd':
        return b.scatterAdd(view(node.src), node.dim, view(node.index), view(node.out));
      case 'scatter':
        return b.scatter(view(node.src), node.dim, view(node.index), view(node.out));
      case 'searchSorted':
        return b.searchSorted(view(node.sorted), view(node.values), view(node.out), node.right);
      case 'sort':
        return b.sort(view(node.input), view(node.values), view(node.indices), node.descending);
      case 'scan':
        return b.scan(node.op, view(node.input), view(node.out), node.indices && view(node.indices));
      default:
        return assertNever(node);
    }
  }
}
