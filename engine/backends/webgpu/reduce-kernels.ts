/**
 * The WebGPU backend's reductions: one kernel per call (a workgroup or an invocation per row, flat
 * rows read without index arithmetic), or two passes for few long rows (partials, then per row).
 */
import type { Fused, PostReduce, Storage, View } from '../backend';
import type { DType } from '../../core/dtype';
import { exprKey, type ReduceOp } from '../../ops/op-types';
import { reduceCost, reduceFinalCost } from '../../profile/kernel-cost';
import type { KernelInfo } from '../../profile/recorder';
import { grid1d, type Dispatcher } from './dispatcher';
import { bufferOf } from './gpu-storage';
import { floatBits } from './kernels/elementwise';
import { reduceSource } from './kernels/reduce';
import { markFlatRows, planReduce, reduceLayout, type ReducePlan } from './kernels/reduce-plan';
import { partialDtype, planSplit, splitFinalSource, splitPartialSource, type SplitPlan } from './kernels/reduce-split';
import { REDUCE_TUNING, WORKGROUP } from './tuning';

/** What the reductions need of the backend: its dispatcher, and temporary storage for split partials. */
export interface ReduceKernels {
  readonly dispatcher: Dispatcher;
  allocate(length: number, dtype: DType): Storage;
  release(storage: Storage): void;
}

const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** See Backend.reduce: one kernel, or two passes (reduceSplit) for few long rows. */
export function reduceKernel(k: ReduceKernels, op: ReduceOp, source: Fused, keptDims: number, out: View, epilogue?: Fused, post?: PostReduce): void {
  const shape = source.leaves[0].shape;
  const rank = shape.length;
  const outputs = numelOf(shape.slice(0, keptDims));
  const inner = numelOf(shape.slice(keptDims));
  if (outputs === 0) return;
  // Each leaf's step along the rows (source leaves, then the post step's): flat loops where all have one.
  const { plan, steps } = planReduce(op, shape, keptDims, out.dtype, source, epilogue, post);
  const postKey = post ? `|post:${exprKey(post.expr)}|${plan.post!.dtypes.join()}|${post.out.dtype}` : '';
  const key = `reduce|${op}|${exprKey(source.expr)}|${plan.source.dtypes.join()}|${epilogue ? exprKey(epilogue.expr) + '|' + plan.epilogue!.dtypes.join() : ''}${postKey}|${out.dtype}|r${rank}|k${keptDims}|${plan.longRows ? 'wg' : 'th'}${plan.rowSteps ? '|steps' : ''}|u${REDUCE_TUNING.unroll}`;
  const meta = [outputs, inner, out.offset, ...shape];
  for (const v of source.leaves) meta.push(v.offset, ...v.strides);
  for (const v of epilogue?.leaves ?? []) meta.push(v.offset, ...v.strides);
  meta.push(...source.scalars.map(floatBits), ...(epilogue?.scalars ?? []).map(floatBits));
  if (post) {
    for (const v of post.leaves) meta.push(v.offset, ...v.strides);
    meta.push(post.out.offset, ...post.scalars.map(floatBits));
  }
  const buffers = [
    ...source.leaves.map(bufferOf),
    ...(epilogue?.leaves ?? []).map(bufferOf),
    bufferOf(out),
    ...(post ? [...post.leaves.map(bufferOf), bufferOf(post.out)] : []),
  ];
  const info = reduceCost(
    { op, source: source.expr, sourceLeaves: source.leaves.length, epilogue: epilogue?.expr, post: post && { expr: post.expr, leaves: post.leaves.length } },
    outputs,
    inner,
  );
  // Few long rows: split each across many workgroups (two passes) instead of one per row.
  const split = post ? null : planSplit(outputs, inner, shape, keptDims, source.leaves, meta.length);
  if (split) return reduceSplit(k, plan, key, split, meta, source.leaves, epilogue?.leaves ?? [], out, info);
  const pipeline = k.dispatcher.pipeline(key, () => reduceSource(plan));
  // Rows flat in every leaf (contiguous, or one value along the row, as a softmax's row max):
  // the kernel reads them without index arithmetic.
  const layout = reduceLayout(plan);
  markFlatRows(meta, steps, shape, keptDims, (k) => (k < source.leaves.length ? layout.leafAt(k) : layout.postLeafAt(k - source.leaves.length)));
  k.dispatcher.dispatch(pipeline, meta, buffers, plan.longRows ? grid1d(outputs, 1) : grid1d(outputs, WORKGROUP), info);
}

/** A reduction in two passes: partial results per (row, chunk) into a temporary buffer, then per row. */
function reduceSplit(
  k: ReduceKernels,
  plan: ReducePlan,
  key: string,
  split: SplitPlan,
  meta: number[],
  leaves: readonly View[],
  epiLeaves: readonly View[],
  out: View,
  info: KernelInfo,
): void {
  const outputs = meta[0];
  const dtype = partialDtype(plan);
  const partials = k.allocate(outputs * split.parts, dtype);
  const temp = bufferOf({ storage: partials, shape: [outputs * split.parts], strides: [1], offset: 0, dtype });
  const words = [...meta, split.parts, split.chunk];
  const partial = k.dispatcher.pipeline(`${key}|split:${split.mode}`, () => splitPartialSource(plan, split.mode));
  k.dispatcher.dispatch(partial, words, [...leaves.map(bufferOf), temp], grid1d(outputs * split.parts, 1), info);
  const final = k.dispatcher.pipeline(`${key}|split:final`, () => splitFinalSource(plan));
  const finalInfo = reduceFinalCost(info.name, outputs, split.parts);
  k.dispatcher.dispatch(final, words, [temp, ...epiLeaves.map(bufferOf), bufferOf(out)], grid1d(outputs, 1), finalInfo);
  // Later work that reuses the buffer is ordered after these passes on the queue.
  k.release(partials);
}
