/** The CPU's sort and scan kernels: plain loops over each row (the last dim), the reference for the GPU's. */
import type { TypedArray } from '../../core/dtype';
import { scanCost, sortCost } from '../../profile/kernel-cost';
import type { KernelInfo } from '../../profile/recorder';
import type { ScanOp, View } from '../backend';
import { forEachStrided } from './strided';

/** A CPU view's elements (the storage is a CpuStorage: typed here structurally, to keep the import one-way). */
const dataOf = (v: View) => (v.storage as unknown as { data: TypedArray }).data;

/** The number of rows of a view and their length (the last dim). */
function rowsOf(v: View): [number, number] {
  const rank = v.shape.length;
  return [v.shape.slice(0, -1).reduce((a, b) => a * b, 1), v.shape[rank - 1]];
}

/** What a CPU sort of the rows of `input` costs, for profiles. */
export const sortRowsCost = (input: View): KernelInfo => sortCost(...rowsOf(input));
/** What a CPU scan of the rows of `input` costs, for profiles. */
export const scanRowsCost = (op: ScanOp, input: View, withIndices: boolean): KernelInfo => scanCost(op, ...rowsOf(input), withIndices);

/** The row (last dim) walk shared by the kernels: each row's start in every view, and the views' steps along it. */
function forEachRow(views: readonly View[], visit: (starts: readonly number[], steps: readonly number[], n: number) => void): void {
  const rank = views[0].shape.length;
  const n = views[0].shape[rank - 1];
  const outer = views.map((v) => ({ offset: v.offset, strides: v.strides.slice(0, -1) }));
  const steps = views.map((v) => v.strides[rank - 1]);
  forEachStrided(views[0].shape.slice(0, -1), outer, (_, o) => visit([...o], steps, n));
}

/** Whether `a` sorts before `b` in ascending order, NaN the largest (ties are neither). */
function ascendingBefore(a: number, b: number): boolean {
  return !Number.isNaN(a) && (Number.isNaN(b) || a < b);
}

/** Stable sort of each row: values and their original positions. */
export function sortRows(input: View, values: View, indices: View, descending: boolean): void {
  const [src, dstValues, dstIndices] = [dataOf(input), dataOf(values), dataOf(indices)];
  const views = [input, values, indices];
  const before = descending ? (a: number, b: number) => ascendingBefore(b, a) : ascendingBefore;
  forEachRow(views, ([si, sv, sx], [ti, tv, tx], n) => {
    const row = Array.from({ length: n }, (_, j) => ({ value: src[si + j * ti], index: j }));
    // Array.prototype.sort is stable: ties keep their order.
    row.sort((a, b) => (before(a.value, b.value) ? -1 : before(b.value, a.value) ? 1 : 0));
    row.forEach((e, j) => {
      dstValues[sv + j * tv] = e.value;
      dstIndices[sx + j * tx] = e.index;
    });
  });
}

/** Whether a running extreme `best` gives way to the next element `x` (PyTorch's cummax/cummin: ties and NaN take over). */
const TAKES_OVER: { [P in 'max' | 'min']: (x: number, best: number) => boolean } = {
  max: (x, best) => Number.isNaN(x) || (!Number.isNaN(best) && x >= best),
  min: (x, best) => Number.isNaN(x) || (!Number.isNaN(best) && x <= best),
};

/** Inclusive scan of each row; `round` rounds each partial result to the output dtype. */
export function scanRows(op: ScanOp, input: View, out: View, indices: View | undefined, round: (x: number) => number): void {
  const [src, dst, dstIndices] = [dataOf(input), dataOf(out), indices ? dataOf(indices) : null];
  const views = indices ? [input, out, indices] : [input, out];
  forEachRow(views, ([si, so, sx], [ti, to, tx], n) => {
    if (op === 'sum' || op === 'prod') {
      let acc = op === 'sum' ? 0 : 1;
      for (let j = 0; j < n; j++) {
        acc = round(op === 'sum' ? acc + src[si + j * ti] : acc * src[si + j * ti]);
        dst[so + j * to] = acc;
      }
      return;
    }
    const takesOver = TAKES_OVER[op];
    let best = 0;
    let bestIndex = -1;
    for (let j = 0; j < n; j++) {
      const x = src[si + j * ti];
      if (bestIndex < 0 || takesOver(x, best)) {
        best = x;
        bestIndex = j;
      }
      dst[so + j * to] = best;
      if (dstIndices) dstIndices[sx + j * tx] = bestIndex;
    }
  });
}
