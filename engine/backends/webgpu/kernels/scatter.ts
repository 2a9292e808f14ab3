/** The scatter (assignment) and searchsorted kernels (composite ops: scatter, multinomial, repeatInterleave). */
import type { DType } from '../../../core/dtype';
import { decompose, ENTRY_ARGS, LINEAR_ID, metaDecl, storageType } from '../wgsl-common';
import { WORKGROUP } from '../tuning';
import { scatterShader } from './gather';

/** scatter along one dim: out[base(i) + index[i] * dimStride] = src[i]; duplicate indices race (one wins, as in PyTorch). See scatterShader. */
export function scatterSource(dtype: DType, rank: number): string {
  const t = storageType(dtype);
  return scatterShader(rank, t, t, 'out[slot] = src[u32(so)];');
}

/**
 * searchsorted: one invocation per value binary-searches its row of `sorted` (ascending) for the
 * first element >= the value (> with `right`), writing the position to the contiguous int32 out.
 * Metadata: [n, rowLength, sortedOffset, valuesOffset, sortedStep, right, shape[rank] (the values'),
 *            sortedStrides[rank] (0 at the last dim), valuesStrides[rank]].
 */
export function searchSortedSource(dtype: DType, rank: number): string {
  const at = (k: number) => 6 + k * rank;
  const t = storageType(dtype);
  return `${metaDecl(6 + 3 * rank)}
@group(0) @binding(1) var<storage, read> sorted: array<${t}>;
@group(0) @binding(2) var<storage, read> values: array<${t}>;
@group(0) @binding(3) var<storage, read_write> out: array<i32>;
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let i = ${LINEAR_ID};
  if (i >= md(0u)) { return; }
  var ro = mdi(2u);
  var vo = mdi(3u);
${decompose('i', rank, at(0), [
  { name: 'ro', stridesAt: at(1) },
  { name: 'vo', stridesAt: at(2) },
])}
  let v = values[u32(vo)];
  let step = mdi(4u);
  let right = md(5u) != 0u;
  var lo = 0;
  var hi = mdi(1u);
  loop {
    if (lo >= hi) { break; }
    let mid = (lo + hi) / 2;
    let s = sorted[u32(ro + mid * step)];
    if ((right && s <= v) || (!right && s < v)) { lo = mid + 1; } else { hi = mid; }
  }
  out[i] = lo;
}
`;
}
