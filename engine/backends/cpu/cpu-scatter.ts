/** The CPU loops of scatter (assignment) and searchsorted, over strided views of typed arrays. */
import type { TypedArray } from '../../core/dtype';
import type { View } from '../backend';
import { forEachStrided } from './strided';

/** dst[..., index[...], ...] = from[...] along `dim` (negative indices count from the end); `bad` raises for an index outside the dim. */
export function scatterLoop(
  src: View,
  from: TypedArray,
  dim: number,
  index: View,
  idx: TypedArray,
  out: View,
  dst: TypedArray,
  bad: (index: number, size: number) => never,
): void {
  const size = out.shape[dim];
  const dimStride = out.strides[dim];
  const base = { offset: out.offset, strides: out.strides.map((s, d) => (d === dim ? 0 : s)) };
  forEachStrided(index.shape, [src, index, base], (_, o) => {
    const j = idx[o[1]];
    if (j < -size || j >= size) bad(j, size);
    dst[o[2] + (j < 0 ? j + size : j) * dimStride] = from[o[0]];
  });
}

/** For each value, the first position in its row of `seq` holding an element >= it (> with `right`). */
export function searchSortedLoop(sorted: View, seq: TypedArray, values: View, vals: TypedArray, out: View, dst: TypedArray, right: boolean): void {
  const rank = values.shape.length;
  const m = sorted.shape[rank - 1];
  const step = sorted.strides[rank - 1];
  const rowBase = { offset: sorted.offset, strides: sorted.strides.map((s, d) => (d === rank - 1 ? 0 : s)) };
  forEachStrided(values.shape, [values, rowBase, out], (_, o) => {
    const v = vals[o[0]];
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = seq[o[1] + mid * step];
      if (right ? s <= v : s < v) lo = mid + 1;
      else hi = mid;
    }
    dst[o[2]] = lo;
  });
}
