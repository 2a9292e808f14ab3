/** What a compiled function shows: its graphs before and after the passes, and each kernel's WGSL. */
import type { Graph, Node, Value } from './ir';
import { mapValues, reads, writes } from './ir';
import { kernelName } from './names';
import { printGraph } from './fx-print';
import { wgslOf } from './codegen';
import type { CompiledEntry } from './compile';
import type { CompiledSegment } from './segments';

export interface GraphNodeView {
  id: string;
  label: string;
  shape: number[];
  dtype: string;
  kind: 'input' | 'param' | 'kernel' | 'output';
  /** For fused kernels (more than one op): the kernel's name, shown in the group colour. */
  fused: boolean;
}

export interface GraphData {
  nodes: GraphNodeView[];
  edges: { from: string; to: string }[];
  text: string;
}

export interface CompiledGraphView {
  name: string;
  guard: string;
  before: GraphData;
  after: GraphData;
  backward: GraphData | null;
  kernels: { name: string; wgsl: string | null }[];
  passes: { graph: string; pass: string; nodesBefore: number; nodesAfter: number; changed: boolean }[];
}

function shapeOf(node: Node): number[] {
  if (node.kind === 'zeros' || node.kind === 'upload') return [node.out.length];
  if (node.kind === 'argReduce' || node.kind === 'sort') return [...node.values.shape];
  return [...node.out.shape];
}

/**
 * The shape a value is used with: that of the first view reading or writing it whole (an input of
 * [32, 32] shows as such, not as its 1024 elements), else its length.
 */
function wholeShape(graph: Graph, v: Value): number[] {
  for (const node of graph.nodes) {
    let found: readonly number[] | null = null;
    mapValues(
      node,
      (view) => {
        if (!found && view.value === v && view.offset === 0 && view.shape.reduce((a, b) => a * b, 1) === v.length && !view.strides.includes(0))
          found = view.shape;
        return view;
      },
      (value) => value,
    );
    if (found) return [...(found as readonly number[])];
  }
  return [v.length];
}

export function graphData(graph: Graph, title: string): GraphData {
  const nodes: GraphNodeView[] = [];
  const edges: GraphData['edges'] = [];
  const producer = new Map<Value, string>();
  graph.inputs.forEach((v, i) => {
    producer.set(v, `in${i}`);
    nodes.push({ id: `in${i}`, label: `arg${i}`, shape: wholeShape(graph, v), dtype: v.dtype, kind: 'input', fused: false });
  });
  [...graph.captured.keys()].forEach((v, i) => {
    producer.set(v, `p${i}`);
    nodes.push({ id: `p${i}`, label: `param${i}`, shape: wholeShape(graph, v), dtype: v.dtype, kind: 'param', fused: false });
  });
  graph.nodes.forEach((node, i) => {
    const id = `n${i}`;
    const label = kernelName(node);
    nodes.push({ id, label, shape: shapeOf(node), dtype: writes(node)[0].dtype, kind: 'kernel', fused: label.startsWith('fused_') });
    for (const v of new Set(reads(node))) {
      const from = producer.get(v);
      if (from && from !== id) edges.push({ from, to: id });
    }
    for (const v of writes(node)) producer.set(v, id);
  });
  graph.outputs.forEach((v, i) => {
    nodes.push({ id: `out${i}`, label: `output${i}`, shape: wholeShape(graph, v), dtype: v.dtype, kind: 'output', fused: false });
    const from = producer.get(v);
    if (from) edges.push({ from, to: `out${i}` });
  });
  return { nodes, edges, text: printGraph(graph, title) };
}

export function compiledGraphView(name: string, entry: CompiledEntry): CompiledGraphView {
  const graphs = [entry.traced.forward, ...(entry.traced.backward ? [entry.traced.backward.graph] : [])];
  return {
    name,
    guard: entry.key,
    before: graphData(entry.before.forward, `${name} (traced)`),
    after: graphData(entry.traced.forward, `${name} (compiled)`),
    backward: entry.traced.backward ? graphData(entry.traced.backward.graph, `${name} (backward)`) : null,
    kernels: graphs.flatMap((g) => g.nodes.filter((n) => n.kind !== 'zeros' && n.kind !== 'upload').map((n) => ({ name: kernelName(n), wgsl: wgslOf(n) }))),
    passes: entry.passes,
  };
}

/** One segment of a function split at graph breaks. */
export function segmentGraphView(name: string, segment: CompiledSegment): CompiledGraphView {
  return {
    name,
    guard: segment.key,
    before: graphData(segment.before, `${name} (traced)`),
    after: graphData(segment.after, `${name} (compiled)`),
    backward: null,
    kernels: segment.after.nodes.filter((n) => n.kind !== 'zeros' && n.kind !== 'upload').map((n) => ({ name: kernelName(n), wgsl: wgslOf(n) })),
    passes: segment.passes,
  };
}
