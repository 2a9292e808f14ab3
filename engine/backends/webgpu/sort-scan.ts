/** The WebGPU backend's sort and scan: which passes of kernels/sort.ts and kernels/scan.ts run, with what metadata. */
import type { DType } from '../../core/dtype';
import { scanCost, sortCost } from '../../profile/kernel-cost';
import type { ScanOp, Storage, View } from '../backend';
import type { Dispatcher } from './dispatcher';
import { grid1d } from './dispatcher';
import { bufferOf, type GpuStorage } from './gpu-storage';
import { scanSource } from './kernels/scan';
import { SORT_BLOCK, sortGlobalSource, sortLocalSource, sortMeta, type SortLocalMode } from './kernels/sort';
import { SHORT_ROW, WORKGROUP } from './tuning';
import { storageType } from './wgsl-common';

/** What the passes need of the backend besides its dispatcher: temporary storage. */
export interface TempStorage {
  allocate(length: number, dtype: DType): GpuStorage;
  release(storage: Storage): void;
}

const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const flat = (storage: GpuStorage, dtype: DType): View => ({ storage, shape: [storage.length], strides: [1], offset: 0, dtype });

/** Sorts each row of `input` into `values` and `indices` (see kernels/sort.ts for the passes). */
export function sortRowsGpu(dispatcher: Dispatcher, temp: TempStorage, input: View, values: View, indices: View, descending: boolean): void {
  const rank = input.shape.length;
  const n = input.shape[rank - 1];
  const rows = numelOf(input.shape.slice(0, -1));
  if (rows === 0 || n === 0) return;
  const P = 1 << Math.ceil(Math.log2(n));
  const dtype = input.dtype;
  // Pipelines by the key's WGSL type; passes that do not read the input are the same for every rank.
  const type = storageType(dtype);
  const local = (mode: SortLocalMode) =>
    dispatcher.pipeline(`sort|local|${type}|${mode}${mode.startsWith('src') ? `|r${rank}` : ''}`, () => sortLocalSource(dtype, rank, mode));
  const meta = (j: number, kFirst: number, kLast: number) => sortMeta({ rows, n, P, j, kFirst, kLast, descending }, input, values.offset, indices.offset);
  const blocks = grid1d(rows * P, SORT_BLOCK);
  if (P <= SORT_BLOCK) {
    dispatcher.dispatch(local('src-out'), meta(0, 2, P), [bufferOf(input), bufferOf(values), bufferOf(indices)], blocks, sortCost(rows, n));
    return;
  }
  const keys = temp.allocate(rows * P, dtype);
  const positions = temp.allocate(rows * P, 'int32');
  const pair = [bufferOf(flat(keys, dtype)), bufferOf(flat(positions, 'int32'))];
  dispatcher.dispatch(local('src-temp'), meta(0, 2, SORT_BLOCK), [bufferOf(input), ...pair], blocks, sortCost(rows, P, 'sort_blocks'));
  const global = dispatcher.pipeline(`sort|global|${type}`, () => sortGlobalSource(dtype));
  for (let k = 2 * SORT_BLOCK; k <= P; k *= 2) {
    for (let j = k / 2; j >= SORT_BLOCK; j /= 2) {
      dispatcher.dispatch(global, meta(j, k, k), pair, grid1d((rows * P) / 2, WORKGROUP), sortCost(rows, P, 'sort_merge'));
    }
    const last = k === P;
    const buffers = last ? [...pair, bufferOf(values), bufferOf(indices)] : pair;
    dispatcher.dispatch(local(last ? 'temp-out' : 'temp-temp'), meta(0, k, k), buffers, blocks, sortCost(rows, P, 'sort_merge_blocks'));
  }
  // Later work that reuses the buffers is ordered after these passes on the queue.
  temp.release(keys);
  temp.release(positions);
}

/** An inclusive scan of each row of `input` into `out` (and, for max/min, `indices`). */
export function scanRowsGpu(dispatcher: Dispatcher, op: ScanOp, input: View, out: View, indices?: View): void {
  const rank = input.shape.length;
  const n = input.shape[rank - 1];
  const rows = numelOf(input.shape.slice(0, -1));
  if (rows === 0 || n === 0) return;
  const short = n <= SHORT_ROW;
  const key = `scan|${op}|${storageType(input.dtype)}|r${rank}|${indices ? 'idx' : ''}|${short ? 'short' : 'wg'}`;
  const pipeline = dispatcher.pipeline(key, () => scanSource(op, input.dtype, rank, !!indices, short));
  const meta = [rows, n, input.offset, out.offset, indices?.offset ?? 0, ...input.shape.slice(0, -1), ...input.strides];
  const buffers = [bufferOf(input), bufferOf(out), ...(indices ? [bufferOf(indices)] : [])];
  dispatcher.dispatch(pipeline, meta, buffers, grid1d(rows, short ? WORKGROUP : 1), scanCost(op, rows, n, !!indices));
}
