/**
 * The plan of a reduction kernel, worked out on the host: what it reduces and fuses, where its
 * metadata words lie, and how its rows are laid out in memory. The backend's dispatch and the
 * compiler's WGSL view build it the same way (planReduce); the generators (reduce.ts,
 * reduce-split.ts) read it.
 */
import type { DType } from '../../../core/dtype';
import type { Expr, ReduceOp } from '../../../ops/op-types';
import type { View } from '../../backend';
import { SHORT_ROW } from '../tuning';

/**
 * Metadata: [outputs, inner, outOffset (top bit: rows contiguous), shape[rank], per source leaf: offset, strides[rank],
 * per epilogue leaf: offset, strides[kept], source scalars, epilogue scalars]. The first `kept`
 * dims index the output; the rest are reduced. Leaf values feed `source.expr`; the reduced value
 * and the epilogue leaves feed `epilogue.expr`.
 */
export interface ReducePlan {
  op: ReduceOp;
  rank: number;
  kept: number;
  source: { expr: Expr; dtypes: DType[]; scalars: number };
  epilogue: { expr: Expr; dtypes: DType[]; scalars: number } | null;
  /**
   * Pointwise work over the whole reduced domain that reads the row's result (leaf 0) and its own
   * leaves at (row, j): a softmax's or layer norm's last step, in the same kernel.
   */
  post: { expr: Expr; dtypes: DType[]; scalars: number; outDtype: DType } | null;
  outDtype: DType;
  longRows: boolean;
  /**
   * Flat rows step along each leaf by its own step (1 or 0: see rowStepsNeeded), rather than all
   * by 1: only where some leaf is one value along the row, so every other kernel keeps the plain
   * `base + j` loads.
   */
  rowSteps?: boolean;
}

/** Fused work as a reduction plan needs it: the expression, its leaves' dtypes and strides, its scalars. */
interface FusedLeaves {
  readonly expr: Expr;
  readonly leaves: readonly Pick<View, 'dtype' | 'strides'>[];
  readonly scalars: readonly unknown[];
}

/**
 * The plan of a reduction over the trailing dims of `shape` (after `kept`), and each leaf's step
 * along the rows (source leaves, then the post step's: see markFlatRows). The backend's dispatch
 * and the compiler's WGSL view both build it here, so they show the same kernel.
 */
export function planReduce(
  op: ReduceOp,
  shape: readonly number[],
  kept: number,
  outDtype: DType,
  source: FusedLeaves,
  epilogue?: FusedLeaves,
  post?: FusedLeaves & { readonly out: Pick<View, 'dtype'> },
): { plan: ReducePlan; steps: (0 | 1 | null)[] } {
  const inner = shape.slice(kept).reduce((a, b) => a * b, 1);
  const steps = rowSteps([...source.leaves, ...(post?.leaves ?? [])], shape, kept);
  const plan: ReducePlan = {
    op,
    rank: shape.length,
    kept,
    outDtype,
    longRows: inner > SHORT_ROW,
    source: { expr: source.expr, dtypes: source.leaves.map((v) => v.dtype), scalars: source.scalars.length },
    epilogue: epilogue ? { expr: epilogue.expr, dtypes: epilogue.leaves.map((v) => v.dtype), scalars: epilogue.scalars.length } : null,
    post: post ? { expr: post.expr, dtypes: post.leaves.map((v) => v.dtype), scalars: post.scalars.length, outDtype: post.out.dtype } : null,
    rowSteps: rowStepsNeeded(steps, shape, kept),
  };
  return { plan, steps };
}

/** The accumulator dtype of a plan: float32 for float sources, int32 otherwise. */
export function accDtype(plan: ReducePlan): DType {
  const t = plan.source.expr.dtype;
  return t === 'float32' || t === 'float16' ? 'float32' : 'int32';
}

/** Metadata positions of a plan's leaves and scalars (see ReducePlan). */
export function reduceLayout(plan: ReducePlan) {
  const { rank, kept, source, epilogue, post } = plan;
  const leafAt = (k: number) => 3 + rank + k * (1 + rank);
  const epiAt = (k: number) => leafAt(source.dtypes.length) + k * (1 + kept);
  const srcScalarsAt = epiAt(epilogue?.dtypes.length ?? 0);
  const epiScalarsAt = srcScalarsAt + source.scalars;
  const postLeafAt = (k: number) => epiScalarsAt + (epilogue?.scalars ?? 0) + k * (1 + rank);
  const postOutAt = postLeafAt(post?.dtypes.length ?? 0);
  const postScalarsAt = postOutAt + 1;
  const metaWords = post ? postScalarsAt + post.scalars : epiScalarsAt + (epilogue?.scalars ?? 0);
  return { leafAt, epiAt, srcScalarsAt, epiScalarsAt, postLeafAt, postOutAt, postScalarsAt, metaWords };
}

/** Each leaf's step along the rows (see rowStep), worked out once per dispatch. */
export function rowSteps(leaves: readonly Pick<View, 'strides'>[], shape: readonly number[], kept: number): (0 | 1 | null)[] {
  return leaves.map((v) => rowStep(v, shape, kept));
}

/**
 * Where every leaf's rows are flat (contiguous, or one value along the row), marks metadata word 2
 * (its top bit) for the kernels' flat loops and makes the last dim's stride of each leaf its step
 * along the row (1 or 0; that dim has size 1 where it differs, so no address changes). Leaves'
 * metadata: [offset, strides[rank]] at `at(k)`.
 */
export function markFlatRows(meta: number[], steps: readonly (0 | 1 | null)[], shape: readonly number[], kept: number, at: (k: number) => number): void {
  if (steps.some((s) => s === null)) return;
  meta[2] += 2 ** 31;
  const rank = shape.length;
  if (rank > kept && shape[rank - 1] === 1) steps.forEach((s, k) => (meta[at(k) + rank] = s!));
}

/** Whether a reduction's flat rows need per-leaf steps: every leaf flat, and some one value along the row. */
export function rowStepsNeeded(steps: readonly (0 | 1 | null)[], shape: readonly number[], kept: number): boolean {
  return steps.every((s) => s !== null) && steps.some((s) => s === 0) && shape.slice(kept).some((s) => s !== 1);
}

/** 1 where a leaf's rows are contiguous, 0 where it is one value along each row, else null. */
export function rowStep(view: Pick<View, 'strides'>, shape: readonly number[], kept: number): 0 | 1 | null {
  let expected = 1;
  let contiguous = true;
  let constant = true;
  for (let d = shape.length - 1; d >= kept; d--) {
    if (shape[d] === 1) continue;
    if (view.strides[d] !== expected) contiguous = false;
    if (view.strides[d] !== 0) constant = false;
    expected *= shape[d];
  }
  return contiguous ? 1 : constant ? 0 : null;
}
