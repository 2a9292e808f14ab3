/**
 * The graph IR of torch.compile: the kernel calls a function makes, over values (storages). It is
 * the same record whether it comes from tracing or from the eager path: each node is one call of
 * the backend interface, with its views.
 */
import type { DType } from '../core/dtype';
import type { ArgReduceOp, Expr, ReduceOp } from '../ops/op-types';
import { assertNever } from '../core/assert-never';
import type { ScanOp } from '../backends/backend';

/** A storage in the graph: an input, a captured tensor (a parameter, say), or a node's result. */
export interface Value {
  readonly id: number;
  readonly length: number;
  readonly dtype: DType;
}

/** A strided window onto a value, as a kernel reads or writes it. */
export interface ValueView {
  readonly value: Value;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
}

/** Elementwise work fused into a kernel's output: `expr` over leaves, where leaf 0 is the kernel's own result. */
export interface Epilogue {
  expr: Expr;
  /** Views read at the output's index (leaf k + 1). */
  leaves: ValueView[];
  dtype: DType;
}

/** Pointwise work over a reduction's domain reading the row result (leaf 0): see PostReduce. */
export interface PostNode {
  expr: Expr;
  leaves: ValueView[];
  scalars: number[];
  out: ValueView;
}

export type Node =
  | { kind: 'zeros'; out: Value }
  | { kind: 'upload'; out: Value; data: ArrayLike<number> }
  | { kind: 'elementwise'; expr: Expr; inputs: ValueView[]; out: ValueView; scalars: number[]; names: string[] }
  /** Reduces expr(leaves) over the trailing dims of `shape`; leaves are viewed in that order. */
  | {
      kind: 'reduce';
      op: ReduceOp;
      shape: readonly number[];
      keptDims: number;
      expr: Expr;
      leaves: ValueView[];
      scalars: number[];
      out: ValueView;
      epilogue?: Epilogue & { scalars: number[] };
      post?: PostNode;
      names: string[];
    }
  | { kind: 'argReduce'; op: ArgReduceOp; input: ValueView; values: ValueView; indices: ValueView }
  | { kind: 'cumsum'; input: ValueView; out: ValueView }
  | { kind: 'matmul'; a: ValueView; b: ValueView; out: ValueView; epilogue?: Epilogue & { scalars: number[] }; names: string[] }
  | { kind: 'gather'; input: ValueView; dim: number; index: ValueView; out: ValueView }
  | { kind: 'scatterAdd'; src: ValueView; dim: number; index: ValueView; out: ValueView }
  // ---- composite ops: scatter and searchsorted ----
  | { kind: 'scatter'; src: ValueView; dim: number; index: ValueView; out: ValueView }
  | { kind: 'searchSorted'; sorted: ValueView; values: ValueView; out: ValueView; right: boolean }
  // ---- sort and scan ----
  | { kind: 'sort'; input: ValueView; values: ValueView; indices: ValueView; descending: boolean }
  | { kind: 'scan'; op: ScanOp; input: ValueView; out: ValueView; indices?: ValueView };

export interface Graph {
  /** Values bound to the call's tensor arguments, in order. */
  inputs: Value[];
  /** Values that belong to tensors made outside the function (parameters), with their storages. */
  captured: Map<Value, unknown>;
  nodes: Node[];
  /** Values the call returns (and, for training, what backward needs). */
  outputs: Value[];
}

/** The values a node reads. */
export function reads(node: Node): Value[] {
  switch (node.kind) {
    case 'zeros':
    case 'upload':
      return [];
    case 'elementwise':
      return [...node.inputs.map((v) => v.value), ...(isPartialWrite(node.out) ? [node.out.value] : [])];
    case 'reduce':
      return [...node.leaves.map((v) => v.value), ...(node.epilogue?.leaves ?? []).map((v) => v.value), ...(node.post?.leaves ?? []).map((v) => v.value)];
    case 'argReduce':
    case 'cumsum':
    case 'sort':
    case 'scan':
      return [node.input.value];
    case 'matmul':
      return [node.a.value, node.b.value, ...(node.epilogue?.leaves ?? []).map((v) => v.value)];
    case 'gather':
      return [node.input.value, node.index.value];
    case 'scatterAdd':
    case 'scatter':
      return [node.src.value, node.index.value, node.out.value];
    case 'searchSorted':
      return [node.sorted.value, node.values.value];
    default:
      return assertNever(node);
  }
}

/** The values a node writes. */
export function writes(node: Node): Value[] {
  switch (node.kind) {
    case 'zeros':
    case 'upload':
      return [node.out];
    case 'argReduce':
    case 'sort':
      return [node.values.value, node.indices.value];
    case 'scan':
      return node.indices ? [node.out.value, node.indices.value] : [node.out.value];
    case 'reduce':
      return node.post ? [node.out.value, node.post.out.value] : [node.out.value];
    case 'elementwise':
    case 'cumsum':
    case 'matmul':
    case 'gather':
    case 'scatterAdd':
    case 'scatter':
    case 'searchSorted':
      return [node.out.value];
    default:
      return assertNever(node);
  }
}

/** Whether a write covers only part of its value (a window of a cat or a pad). */
export function isPartialWrite(v: ValueView): boolean {
  const n = v.shape.reduce((a, b) => a * b, 1);
  return n !== v.value.length || v.offset !== 0;
}

/** The node with every value it reads or writes passed through `value` and every view through `view`. */
export function mapValues(node: Node, view: (v: ValueView) => ValueView, value: (v: Value) => Value): Node {
  const fused = <F extends { leaves: ValueView[] }>(f: F | undefined): F | undefined => f && { ...f, leaves: f.leaves.map(view) };
  switch (node.kind) {
    case 'zeros':
    case 'upload':
      return { ...node, out: value(node.out) };
    case 'elementwise':
      return { ...node, inputs: node.inputs.map(view), out: view(node.out) };
    case 'reduce':
      return {
        ...node,
        leaves: node.leaves.map(view),
        out: view(node.out),
        epilogue: fused(node.epilogue),
        post: node.post && { ...fused(node.post)!, out: view(node.post.out) },
      };
    case 'argReduce':
      return { ...node, input: view(node.input), values: view(node.values), indices: view(node.indices) };
    case 'cumsum':
      return { ...node, input: view(node.input), out: view(node.out) };
    case 'matmul':
      return { ...node, a: view(node.a), b: view(node.b), out: view(node.out), epilogue: fused(node.epilogue) };
    case 'gather':
      return { ...node, input: view(node.input), index: view(node.index), out: view(node.out) };
    case 'scatterAdd':
    case 'scatter':
      return { ...node, src: view(node.src), index: view(node.index), out: view(node.out) };
    case 'searchSorted':
      return { ...node, sorted: view(node.sorted), values: view(node.values), out: view(node.out) };
    case 'sort':
      return { ...node, input: view(node.input), values: view(node.values), indices: view(node.indices) };
    case 'scan':
      return { ...node, input: view(node.input), out: view(node.out), indices: node.indices && view(node.indices) };
    default:
      return assertNever(node);
  }
}

/** The node with the views it writes passed through `f` (and a zeros' or upload's value through `g`); what it reads stays. */
export function mapWrites(node: Node, f: (v: ValueView) => ValueView, g: (v: Value) => Value): Node {
  switch (node.kind) {
    case 'zeros':
    case 'upload':
      return { ...node, out: g(node.out) };
    case 'reduce':
      return { ...node, out: f(node.out), post: node.post && { ...node.post, out: f(node.post.out) } };
    case 'argReduce':
    case 'sort':
      return { ...node, values: f(node.values), indices: f(node.indices) };
    case 'scan':
      return { ...node, out: f(node.out), indices: node.indices && f(node.indices) };
    case 'elementwise':
    case 'cumsum':
    case 'matmul':
    case 'gather':
    case 'scatterAdd':
    case 'scatter':
    case 'searchSorted':
      return { ...node, out: f(node.out) };
    default:
      return assertNever(node);
  }
}
