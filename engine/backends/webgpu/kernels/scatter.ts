/** The scatter (assignment) and searchsorted kernels (composite ops: scatter, multinomial, repeatInterleave). */
import type { DType } from '../../../core/dtype';
import { decompose, ENTRY_ARGS, LINEAR_ID, metaDecl, storageType } from '../wgsl-common';
import { WORKGROUP } from '../tuning';
import { errorBinding, reportBadIndex } from './gather';

/**
 * scatter along one dim: out[base(i) + index[i] * dimStride] = src[i]; duplicate indices race (one
 * wins, as in PyTorch); an out-of-range index writes nothing and is recorded as in gather.
 * Metadata: [n, srcOffset, indexOffset, outOffset, dimSize, dimStride, opId, reportDim, shape[rank],
 *            srcStrides[rank], indexStrides[rank], outStrides[rank] (0 at `dim`)].
 */
export function scatterSource(dtype: DType, rank: number): string {
  const at = (k: number) => 8 + k * rank;
  const t = storageType(dtype);
  return `${metaDecl(8 + 4 * rank)}
@group(0) @binding(1) var<storage, read> src: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${errorBinding(4)}
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let i = ${LINEAR_ID};
  if (i >= md(0u)) { return; }
  var so = mdi(1u);
  var io = mdi(2u);
  var oo = mdi(3u);
${decompose('i', rank, at(0), [
  { name: 'so', stridesAt: at(1) },
  { name: 'io', stridesAt: at(2) },
  { name: 'oo', stridesAt: at(3) },
])}
  let size = mdi(4u);
  let raw = index[u32(io)];
  var j = raw;
  if (j < 0) { j += size; }
  if (j < 0 || j >= size) {
    ${reportBadIndex('raw', 'size', 6)}
    return;
  }
  out[u32(oo + j * mdi(5u))] = src[u32(so)];
}
`;
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
