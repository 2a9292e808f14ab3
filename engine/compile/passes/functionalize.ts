/**
 * Functionalisation, as PyTorch's AOTAutograd does before its compiler sees a graph: in-place ops
 * and index writes traced into a graph write values that other nodes read, which the later passes
 * (fusion above all) assume never happens. Each write that would overwrite a value something has
 * read becomes a write into a new version of it (starting from a copy of the old one where only a
 * window is written); later reads name the version current at their point. A function's argument
 * or captured tensor (a parameter) changed inside is written back once, by a copy at the end, and
 * kept live as an output. Windows written into a fresh value before anything reads it (how `cat`,
 * `pad` and gradient windows are built) stay as they are. Runs once, at trace time, since the
 * outputs and the backward graph name values by version (`functionalize` returns the final one of
 * each value it renamed).
 */
import { reads, writes, isPartialWrite, mapValues, mapWrites, type Graph, type Node, type Value, type ValueView } from '../ir';
import { TraceStorage } from '../trace-backend';

/** The view through which `node` writes `v` (the first, for nodes writing one value twice). */
function writeViewOf(node: Node, v: Value): ValueView | null {
  let found: ValueView | null = null;
  mapWrites(
    node,
    (view) => ((found ??= view.value === v ? view : null), view),
    (value) => value,
  );
  return found;
}

/** Values a node reads through its inputs, not counting the old contents a window write keeps (or scatterAdd adds to). */
function explicitReads(node: Node): Set<Value> {
  const all = reads(node);
  if (node.kind === 'scatterAdd' || node.kind === 'scatter') return new Set([node.src.value, node.index.value]);
  if (node.kind === 'elementwise' && isPartialWrite(node.out)) return new Set(node.inputs.map((v) => v.value));
  return new Set(all);
}

const whole = (v: Value): ValueView => ({ value: v, shape: [v.length], strides: [1], offset: 0, dtype: v.dtype });

function copyNode(from: Value, to: Value): Node {
  return { kind: 'elementwise', expr: { kind: 'input', index: 0, dtype: from.dtype }, inputs: [whole(from)], out: whole(to), scalars: [], names: ['copy'] };
}

function newVersion(v: Value): Value {
  const device = v instanceof TraceStorage ? v.device : 'cpu';
  return new TraceStorage(TraceStorage.freshId(), device, v.length, v.dtype);
}

/** Rewrites `graph` so no value is written after it was read; returns each renamed value's final version. */
export function functionalize(graph: Graph): Map<Value, Value> {
  const external = new Set<Value>([...graph.inputs, ...graph.captured.keys()]);
  const current = new Map<Value, Value>();
  const cur = (v: Value) => current.get(v) ?? v;
  const written = new Set<Value>();
  const readSinceWrite = new Set<Value>();
  const nodes: Node[] = [];
  for (const node of graph.nodes) {
    const explicit = explicitReads(node);
    const renames = new Map<Value, Value>();
    for (const w of new Set(writes(node))) {
      const view = writeViewOf(node, w);
      // scatterAdd and scatter write into what their output holds: like a window write, they keep the old contents.
      const partial = node.kind === 'scatterAdd' || node.kind === 'scatter' || (view ? isPartialWrite(view) : false);
      const rewrite = external.has(w) || (written.has(w) && (!partial || readSinceWrite.has(w) || explicit.has(w)));
      if (!rewrite) continue;
      const next = newVersion(w);
      if (partial) nodes.push(copyNode(cur(w), next));
      renames.set(cur(w), next);
    }
    let mapped = mapValues(node, (v) => (current.has(v.value) ? { ...v, value: cur(v.value) } : v), cur);
    if (renames.size) {
      const rename = (v: Value) => renames.get(v) ?? v;
      mapped = mapWrites(mapped, (v) => ({ ...v, value: rename(v.value) }), rename);
    }
    nodes.push(mapped);
    for (const r of explicit) readSinceWrite.add(r);
    for (const w of writes(node)) {
      written.add(w);
      readSinceWrite.delete(w);
      const renamed = renames.get(cur(w));
      if (renamed) current.set(w, renamed);
    }
  }
  const finals = new Map<Value, Value>();
  for (const [v, last] of current) {
    finals.set(v, last);
    if (!external.has(v)) continue;
    nodes.push(copyNode(last, v));
    if (!graph.outputs.includes(v)) graph.outputs.push(v);
  }
  graph.nodes = nodes;
  graph.outputs = graph.outputs.map((v) => (external.has(v) ? v : cur(v)));
  return finals;
}
