/**
 * The WebGPU backend's matmul: one tiled kernel (kernels/matmul.ts, with a fused elementwise
 * epilogue), or split-K for few outputs with a long K (each part of K into a plane of a
 * temporary buffer, then a kernel that adds the planes: kernels/matmul-split.ts).
 */
import type { Fused, View } from '../backend';
import { exprKey } from '../../ops/op-types';
import { matmulCost, matmulSplitSumCost } from '../../profile/kernel-cost';
import { grid1d } from './dispatcher';
import { bufferOf } from './gpu-storage';
import { floatBits } from './kernels/elementwise';
import { chooseMatmul, matmulGroups, matmulKey, matmulSource } from './kernels/matmul';
import { matmulSplit, splitSumSource } from './kernels/matmul-split';
import type { ReduceKernels } from './reduce-kernels';
import { WORKGROUP } from './tuning';

const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** See Backend.matmul; `workgroupStorage` is the device's maxComputeWorkgroupStorageSize (it bounds the tiles). */
export function matmulKernel(kernels: ReduceKernels, workgroupStorage: number, a: View, b: View, out: View, epilogue?: Fused): void {
  const rank = out.shape.length;
  const [m, k, n] = [a.shape[rank - 2], a.shape[rank - 1], b.shape[rank - 1]];
  const batch = out.shape.slice(0, -2);
  const batches = numelOf(batch);
  if (m === 0 || n === 0 || batches === 0) return;
  if (k === 0 && !epilogue) return kernels.dispatcher.clear(bufferOf(out).buffer, bufferOf(out).offset, bufferOf(out).size);
  const plan = epilogue ? { expr: epilogue.expr, dtypes: epilogue.leaves.map((v) => v.dtype), scalars: epilogue.scalars.length } : null;
  const config = chooseMatmul(a, b, out, workgroupStorage);
  const split = matmulSplit(config, m, n, k, batches);
  const epiKey = plan ? `|${exprKey(plan.expr)}|${plan.dtypes.join()}|${plan.scalars}` : '';
  const meta = [
    m,
    n,
    k,
    a.offset,
    b.offset,
    out.offset,
    a.strides[rank - 2],
    a.strides[rank - 1],
    b.strides[rank - 2],
    b.strides[rank - 1],
    ...batch,
    ...a.strides.slice(0, -2),
    ...b.strides.slice(0, -2),
    ...(split ? [split.parts, split.chunk] : []),
  ];
  for (const v of epilogue?.leaves ?? []) meta.push(v.offset, ...v.strides);
  meta.push(...(epilogue?.scalars ?? []).map(floatBits));
  const leaves = (epilogue?.leaves ?? []).map(bufferOf);
  const info = matmulCost(m, n, k, batches, epilogue?.expr);
  if (split) {
    // Split-K: each part of K sums into its plane of a temporary buffer; a second kernel adds them.
    const parts = kernels.allocate(batches * split.parts * m * n, 'float32');
    const partsView: View = { storage: parts, shape: [parts.length], strides: [1], offset: 0, dtype: 'float32' };
    const partial = { ...config, c4: n % 4 === 0, split: true };
    const first = kernels.dispatcher.pipeline(matmulKey(partial, batch.length), () => matmulSource(partial, batch.length, null));
    kernels.dispatcher.dispatch(first, meta, [bufferOf(a), bufferOf(b), bufferOf(partsView)], matmulGroups(partial, m, n, batches * split.parts), info);
    const sum = kernels.dispatcher.pipeline(`matmul-split-sum|b${batch.length}${epiKey}`, () => splitSumSource(batch.length, plan));
    const [gx, gy] = grid1d(m * n, WORKGROUP);
    const sumInfo = matmulSplitSumCost(m, n, batches, split.parts, epilogue?.expr);
    kernels.dispatcher.dispatch(sum, meta, [bufferOf(partsView), bufferOf(out), ...leaves], [gx, gy, batches], sumInfo);
    kernels.release(parts);
    return;
  }
  const pipeline = kernels.dispatcher.pipeline(`${matmulKey(config, batch.length)}${epiKey}`, () => matmulSource(config, batch.length, plan));
  kernels.dispatcher.dispatch(pipeline, meta, [bufferOf(a), bufferOf(b), bufferOf(out), ...leaves], matmulGroups(config, m, n, batches), info);
}
