/** What the fusion passes share: who writes and reads each value, and how views line up. */
import { contiguousStrides, numel, viewStrides } from '../../core/shape';
import type { Expr } from '../../ops/op-types';
import { reads, writes, type Graph, type Node, type Value, type ValueView } from '../ir';

export function writerIndex(graph: Graph): Map<Value, number> {
  const w = new Map<Value, number>();
  graph.nodes.forEach((n, i) => writes(n).forEach((v) => w.set(v, i)));
  return w;
}

/** How many times each value is read (a node reading it twice counts twice), outputs included. */
export function readCounts(graph: Graph): Map<Value, number> {
  const c = new Map<Value, number>();
  for (const n of graph.nodes) for (const v of reads(n)) c.set(v, (c.get(v) ?? 0) + 1);
  for (const v of graph.outputs) c.set(v, (c.get(v) ?? 0) + Infinity);
  return c;
}

/** A view that is its whole value in row-major order: flat index i is element i. */
export function isFlat(v: ValueView): boolean {
  if (v.offset !== 0 || numel(v.shape) !== v.value.length) return false;
  let expected = 1;
  for (let d = v.shape.length - 1; d >= 0; d--) {
    if (v.shape[d] !== 1 && v.strides[d] !== expected) return false;
    expected *= v.shape[d];
  }
  return true;
}

/** The same leaf, addressed by the index of a same-sized, differently shaped flat domain. */
export function reshapeLeaf(leaf: ValueView, from: readonly number[], to: readonly number[]): ValueView | null {
  if (from.join() === to.join()) return leaf;
  const strides = viewStrides(from, leaf.strides, to);
  return strides ? { ...leaf, shape: [...to], strides } : null;
}

/**
 * A producer's leaf as seen through the view `read` a consumer takes of the producer's flat output
 * (a permutation with broadcast dims): the leaf re-addressed by the consumer's index, or null.
 */
export function composeLeaf(leaf: ValueView, layout: readonly number[], read: ValueView): ValueView | null {
  if (read.offset !== 0) return null;
  const flat = contiguousStrides(layout);
  const used = new Set<number>();
  const strides: number[] = [];
  for (let d = 0; d < read.shape.length; d++) {
    if (read.strides[d] === 0 || read.shape[d] === 1) {
      strides.push(0);
      continue;
    }
    const j = layout.findIndex((s, jj) => !used.has(jj) && s === read.shape[d] && flat[jj] === read.strides[d]);
    if (j < 0) return null;
    used.add(j);
    strides.push(leaf.strides[j]);
  }
  return { ...leaf, shape: [...read.shape], strides };
}

/** Whether any node strictly between `from` and `to` writes one of `values`. */
export function writtenBetween(graph: Graph, from: number, to: number, values: readonly Value[]): boolean {
  for (let i = from + 1; i < to; i++) if (writes(graph.nodes[i]).some((v) => values.includes(v))) return true;
  return false;
}

/** `e` with input k replaced by replace(k) and scalar indices shifted by `scalarShift`. */
export function mapExpr(e: Expr, replace: (k: number, leaf: Expr) => Expr, scalarShift = 0): Expr {
  const sub = (x: Expr) => mapExpr(x, replace, scalarShift);
  switch (e.kind) {
    case 'input':
      return replace(e.index, e);
    case 'const':
      return e;
    case 'scalar':
      return { ...e, index: e.index + scalarShift };
    case 'unary':
      return { ...e, x: sub(e.x) };
    case 'binary':
      return { ...e, a: sub(e.a), b: sub(e.b) };
    case 'where':
      return { ...e, cond: sub(e.cond), a: sub(e.a), b: sub(e.b) };
    case 'cast':
      return { ...e, x: sub(e.x) };
  }
}

export function sameView(a: ValueView, b: ValueView): boolean {
  return a.value === b.value && a.offset === b.offset && a.dtype === b.dtype && a.shape.join() === b.shape.join() && a.strides.join() === b.strides.join();
}

/** Drops repeated leaves (the same view read twice) from a fused node's inputs. */
export function dedupeLeaves(expr: Expr, leaves: ValueView[], firstLeaf = 0): { expr: Expr; leaves: ValueView[] } {
  const unique: ValueView[] = [];
  const map = leaves.map((l) => {
    const found = unique.findIndex((u) => sameView(u, l));
    if (found >= 0) return found;
    unique.push(l);
    return unique.length - 1;
  });
  const fixed = mapExpr(expr, (k, leaf) => (k < firstLeaf ? leaf : { ...leaf, index: firstLeaf + map[k - firstLeaf] }));
  return { expr: fixed, leaves: unique };
}

/**
 * Storage buffers one fused kernel may bind. WebGPU guarantees 8 per shader stage; staying within
 * that keeps compiled kernels valid on every adapter.
 */
export const MAX_BUFFERS = 8;

export type ElementwiseNode = Extract<Node, { kind: 'elementwise' }>;
