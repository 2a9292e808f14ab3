/**
 * What a kernel is called and what it costs (FLOPs, bytes moved), said once for every device and
 * for the compiler: the CPU and WebGPU backends report these numbers to the profiler, and the
 * compiler names its graph's kernels with the same functions, so one op has one name everywhere.
 *
 * Names follow Inductor: the ops a fused kernel runs, in order (`fused_mul_add_relu`), and
 * PyTorch's spelling for the rest (`scatter_add`). Bytes count one 32-bit word per element: WebGPU
 * stores every dtype in a word (bools as u32, float16 widened), and the CPU reports the same
 * traffic so that a profile reads the same on either device.
 */
import { exprKey, exprOps, type ArgReduceOp, type Expr, type ReduceOp } from '../ops/op-types';
import type { KernelInfo } from './recorder';

/** Bytes per element a kernel moves (see the module comment). */
export const ELEMENT_BYTES = 4;

/** Kernel names as Inductor names them: the ops a fused kernel runs, in order (`fused_mul_add_relu`). */
export function joinOps(ops: readonly string[]): string {
  const unique = ops.filter((op, i) => ops.indexOf(op) === i);
  if (unique.length === 0) return 'copy';
  const shown = unique.slice(0, 6).join('_');
  return unique.length > 1 ? `fused_${shown}` : shown;
}

/** The names of the kernels that run one fixed op, by the backend method that launches them. */
export const FIXED_KERNEL_NAMES = { cumsum: 'cumsum', gather: 'gather', scatterAdd: 'scatter_add', scatter: 'scatter', searchSorted: 'searchsorted' } as const;

export interface ExprFacts {
  /** exprKey: identifies the kernel source. */
  key: string;
  /** exprOps: the ops it applies, in order (its FLOPs per element are their count). */
  ops: readonly string[];
  /** The kernel's name (joinOps of ops). */
  name: string;
}

const facts = new WeakMap<Expr, ExprFacts>();

/**
 * The key, op list and kernel name of `expr`, worked out once per expression object. Eager ops
 * share one never-mutated expression per op and dtypes (ops/expr-cache.ts), so a loop of tiny ops
 * builds none of these strings and lists again (they were most of its garbage).
 */
export function exprFacts(expr: Expr): ExprFacts {
  let f = facts.get(expr);
  if (!f) {
    const ops = exprOps(expr);
    f = { key: exprKey(expr), ops, name: joinOps(ops) };
    facts.set(expr, f);
  }
  return f;
}

const opsOf = (e: Expr | undefined): readonly string[] => (e ? exprFacts(e).ops : []);

/** The ops of a reduction kernel: its source expression, the reduction, the epilogue, then the post step. */
export function reduceOps(op: ReduceOp, source: Expr, epilogue?: Expr, post?: Expr): string[] {
  return [...opsOf(source), op, ...opsOf(epilogue), ...opsOf(post)];
}

/** The ops of a matmul kernel: `mm`, then its epilogue's. */
export function matmulOps(epilogue?: Expr): string[] {
  return ['mm', ...opsOf(epilogue)];
}

/** `expr` over `n` outputs reading `inputs` views: one FLOP per op per element, each view read once and the output written. */
export function elementwiseCost(expr: Expr, inputs: number, n: number): KernelInfo {
  const f = exprFacts(expr);
  return { name: f.name, flops: n * f.ops.length, bytes: ELEMENT_BYTES * n * (inputs + 1) };
}

/** An in-place update of `state` views (an optimizer step) from `inputs` more views over `n` elements. */
export function updateCost(exprs: readonly Expr[], state: number, inputs: number, n: number): KernelInfo {
  const ops = exprs.flatMap((e) => opsOf(e));
  return { name: `update_${joinOps(ops)}`, flops: n * exprs.length * 4, bytes: ELEMENT_BYTES * n * (state + inputs + state) };
}

/** The fused parts of a reduction that its cost depends on (see Fused and PostReduce in backend.ts). */
export interface ReduceParts {
  op: ReduceOp;
  source: Expr;
  sourceLeaves: number;
  epilogue?: Expr;
  /** The post step over the reduced domain: its expression and its leaves (it writes a value per element). */
  post?: { expr: Expr; leaves: number };
}

/** A reduction of `outputs` rows of `inner` elements each. */
export function reduceCost(parts: ReduceParts, outputs: number, inner: number): KernelInfo {
  const { op, source, sourceLeaves, epilogue, post } = parts;
  const domain = outputs * inner;
  const flops = domain * (1 + opsOf(source).length) + (post ? domain * opsOf(post.expr).length : 0);
  const bytes = ELEMENT_BYTES * (domain * sourceLeaves + outputs + (post ? domain * (post.leaves + 1) : 0));
  return { name: joinOps(reduceOps(op, source, epilogue, post?.expr)), flops, bytes };
}

/** The second pass of a reduction split across workgroups: `parts` partial results per output (`name`: the first pass's). */
export function reduceFinalCost(name: string, outputs: number, parts: number): KernelInfo {
  return { name: `${name}_final`, flops: outputs * parts, bytes: ELEMENT_BYTES * (outputs * parts + outputs) };
}

/** argmax/argmin along rows: a value and an index per row. */
export function argReduceCost(op: ArgReduceOp, rows: number, rowLength: number): KernelInfo {
  const n = rows * rowLength;
  return { name: op, flops: n, bytes: ELEMENT_BYTES * (n + 2 * rows) };
}

/** A running sum along rows. */
export function cumsumCost(rows: number, rowLength: number): KernelInfo {
  const n = rows * rowLength;
  return { name: FIXED_KERNEL_NAMES.cumsum, flops: n, bytes: 2 * ELEMENT_BYTES * n };
}

/** `batches` products of (m × k) by (k × n), with an optional epilogue. */
export function matmulCost(m: number, n: number, k: number, batches: number, epilogue?: Expr): KernelInfo {
  return { name: joinOps(matmulOps(epilogue)), flops: 2 * m * n * k * batches, bytes: ELEMENT_BYTES * batches * (m * k + k * n + m * n) };
}

/** The sum of split-K's `parts` partial products (m × n each), with the matmul's epilogue. */
export function matmulSplitSumCost(m: number, n: number, batches: number, parts: number, epilogue?: Expr): KernelInfo {
  return { name: joinOps(['sum', ...opsOf(epilogue)]), flops: parts * m * n * batches, bytes: ELEMENT_BYTES * (parts + 1) * m * n * batches };
}

/** `n` values read through an index (the index, the value, the output). */
export function gatherCost(n: number): KernelInfo {
  return { name: FIXED_KERNEL_NAMES.gather, flops: 0, bytes: 3 * ELEMENT_BYTES * n };
}

/** `n` values added into the output through an index. */
export function scatterAddCost(n: number): KernelInfo {
  return { name: FIXED_KERNEL_NAMES.scatterAdd, flops: n, bytes: 3 * ELEMENT_BYTES * n };
}

/** `n` values written into the output through an index (scatter's assignment). */
export function scatterCost(n: number): KernelInfo {
  return { name: FIXED_KERNEL_NAMES.scatter, flops: 0, bytes: 3 * ELEMENT_BYTES * n };
}

/** `n` binary searches over rows of `m` sorted values. */
export function searchSortedCost(n: number, m: number): KernelInfo {
  const steps = Math.ceil(Math.log2(m + 1));
  return { name: FIXED_KERNEL_NAMES.searchSorted, flops: n * steps, bytes: ELEMENT_BYTES * n * (2 + steps) };
}

// ---- sort and scan ----
/** One pass of a sort of `rows` rows of `rowLength` (keys and their indices read and written); `name` tells the pass. */
export function sortCost(rows: number, rowLength: number, name = 'sort'): KernelInfo {
  const n = rows * rowLength;
  return { name, flops: n * Math.max(1, Math.ceil(Math.log2(Math.max(rowLength, 2)))), bytes: 4 * ELEMENT_BYTES * n };
}

/** A running sum, product, maximum or minimum along rows (cumsum, cumprod, cummax, cummin). */
export function scanCost(op: 'sum' | 'prod' | 'max' | 'min', rows: number, rowLength: number, withIndices: boolean): KernelInfo {
  const n = rows * rowLength;
  return { name: `cum${op}`, flops: n, bytes: (withIndices ? 3 : 2) * ELEMENT_BYTES * n };
}
