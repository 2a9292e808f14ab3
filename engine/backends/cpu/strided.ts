/** Walking strided views in row-major order. */
import type { View } from '../backend';

/**
 * Calls `visit(i, offsets)` for every element i of `shape` in row-major order, where offsets[k]
 * is the position of that element in the k-th (offset, strides) pair.
 */
export function forEachStrided(
  shape: readonly number[],
  views: readonly { offset: number; strides: readonly number[] }[],
  visit: (i: number, offsets: Int32Array | number[]) => void,
): void {
  const rank = shape.length;
  let total = 1;
  for (const s of shape) total *= s;
  if (total === 0) return;
  const offsets = views.map((v) => v.offset);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < total; i++) {
    visit(i, offsets);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      for (let k = 0; k < views.length; k++) offsets[k] += views[k].strides[d];
      if (index[d] < shape[d]) break;
      for (let k = 0; k < views.length; k++) offsets[k] -= views[k].strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/** The flat offsets of every element of `view`, row-major. */
export function viewOffsets(view: Pick<View, 'shape' | 'strides' | 'offset'>): Int32Array {
  let total = 1;
  for (const s of view.shape) total *= s;
  const out = new Int32Array(total);
  forEachStrided(view.shape, [view], (i, o) => {
    out[i] = o[0];
  });
  return out;
}
