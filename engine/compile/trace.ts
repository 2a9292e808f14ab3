/**
 * Tracing a function into graphs: the forward, and (when gradients are needed) the backward,
 * traced by running the ordinary backward walk on the traced outputs.
 */
import type { Device } from '../core/dtype';
import { isGradEnabled, withTracer } from '../core/runtime';
import { StorageRef } from '../core/storage-ref';
import { Tensor } from '../tensor';
import { mapValues, reads, writes, type Graph, type Value } from './ir';
import { functionalize } from './passes/functionalize';
import { contiguousStrides } from '../core/shape';
import { GraphBreak, TraceBackend, TraceStorage } from './trace-backend';

/** Where an output tensor sits in its value, to rebuild it after a run. */
export interface OutputSpec {
  value: Value;
  shape: number[];
  strides: number[];
  offset: number;
  dtype: Tensor['dtype'];
  requiresGrad: boolean;
}

/** The returned structure with tensors replaced by their index in `outputs`. */
export type Skeleton = { tensor: number } | { array: Skeleton[] } | { object: [string, Skeleton][] } | { plain: unknown };

export interface Traced {
  forward: Graph;
  outputs: OutputSpec[];
  skeleton: Skeleton;
  /** Leaves (arguments, then captured parameters) that gradients flow to, and the backward graph. */
  backward: { graph: Graph; leaves: Tensor[]; argIndex: (number | null)[]; gradOutput: Value } | null;
}

function traceTensor(backend: TraceBackend, t: Tensor): Tensor {
  const storage = backend.newValue(t.storageRef.storage.length, t.dtype);
  const proxy = new Tensor(new StorageRef(storage, backend), t.shape, t.strides, t.offset, t.dtype);
  proxy.requiresGrad = t.requiresGrad;
  return proxy;
}

function skeletonOf(value: unknown, tensors: Tensor[]): Skeleton {
  if (value instanceof Tensor) {
    tensors.push(value);
    return { tensor: tensors.length - 1 };
  }
  if (Array.isArray(value)) return { array: value.map((v) => skeletonOf(v, tensors)) };
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return { object: Object.entries(value).map(([k, v]) => [k, skeletonOf(v, tensors)]) };
  }
  return { plain: value };
}

/** Every leaf requiring grad that the traced outputs depend on, in first-seen order. */
function leavesOf(roots: readonly Tensor[]): Tensor[] {
  const leaves: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack = [...roots];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    if (!t.gradFn) {
      if (t.requiresGrad) leaves.push(t);
    } else stack.push(...t.gradFn.inputs);
  }
  return leaves;
}

export function trace(fn: (...args: Tensor[]) => unknown, args: readonly Tensor[], device: Device): Traced {
  const fw = new TraceBackend(device);
  const proxies = args.map((a) => traceTensor(fw, a));
  fw.graph.inputs = proxies.map((p) => p.storageRef.storage as TraceStorage);
  const result = withTracer(fw, () => fn(...proxies));
  if (result instanceof Promise) {
    result.catch(() => undefined);
    throw new GraphBreak('the function is async: each await of a value splits the graph, so it runs eagerly');
  }
  if (fw.breakReason) throw new GraphBreak(fw.breakReason);
  const tensors: Tensor[] = [];
  const skeleton = skeletonOf(result, tensors);
  const outputs: OutputSpec[] = tensors.map((t) => ({
    value: fw.view({ storage: t.storageRef.storage, shape: t.shape, strides: t.strides, offset: t.offset, dtype: t.dtype }).value,
    shape: [...t.shape],
    strides: [...t.strides],
    offset: t.offset,
    dtype: t.dtype,
    requiresGrad: t.requiresGrad,
  }));
  fw.graph.outputs = outputs.map((o) => o.value);
  // In-place writes become new versions of values: outputs and the backward name the final ones.
  const finals = functionalize(fw.graph);
  for (const o of outputs) o.value = finals.get(o.value) ?? o.value;
  const differentiable = tensors.filter((t) => t.requiresGrad);
  let backward: Traced['backward'] = null;
  if (isGradEnabled() && differentiable.length === 1) backward = traceBackward(differentiable[0], proxies, args, fw.graph, device, finals);
  return { forward: fw.graph, outputs, skeleton, backward };
}

function traceBackward(
  out: Tensor,
  proxies: readonly Tensor[],
  args: readonly Tensor[],
  forward: Graph,
  device: Device,
  finals: ReadonlyMap<Value, Value>,
): Traced['backward'] {
  const leaves = leavesOf([out]);
  const before = leaves.map((l) => l.grad);
  for (const l of leaves) l.grad = null;
  const bw = new TraceBackend(device);
  const gradStorage = bw.newValue(out.numel(), out.dtype);
  const gradOut = new Tensor(new StorageRef(gradStorage, bw), out.shape, contiguousStrides(out.shape), 0, out.dtype);
  bw.graph.inputs = [gradOut.storageRef.storage as TraceStorage];
  try {
    withTracer(bw, () => out.backward(gradOut));
    const grads = leaves.map((l) => l.grad);
    bw.graph.outputs = grads.map((g) => {
      if (!g) return bw.newValue(1, 'float32');
      const c = withTracer(bw, () => g.contiguous());
      return c.storageRef.storage as TraceStorage;
    });
  } finally {
    leaves.forEach((l, i) => (l.grad = before[i]));
  }
  // The backward reads forward values as they are at its end; it may write windows of its own values in place too.
  const final = (v: Value) => finals.get(v) ?? v;
  bw.graph.nodes = bw.graph.nodes.map((n) => mapValues(n, (v) => (finals.has(v.value) ? { ...v, value: final(v.value) } : v), final));
  functionalize(bw.graph);
  // Forward values the backward reads are saved: the forward graph keeps them as outputs.
  const fwValues = new Set<Value>([...forward.nodes.flatMap(writes), ...forward.inputs]);
  const saved = bw.graph.nodes.flatMap(reads).filter((v) => fwValues.has(v) && !forward.outputs.includes(v));
  forward.outputs.push(...new Set(saved));
  const argIndex = leaves.map((l) => {
    const i = proxies.indexOf(l);
    return i >= 0 ? i : null;
  });
  // Captured leaves are the real tensors themselves (parameters); arguments map back to the caller's tensors.
  const realLeaves = leaves.map((l, i) => (argIndex[i] === null ? l : args[argIndex[i]!]));
  return { graph: bw.graph, leaves: realLeaves, argIndex, gradOutput: bw.graph.inputs[0] };
}
