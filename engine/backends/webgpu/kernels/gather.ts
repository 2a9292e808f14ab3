/** The gather and scatter-add kernels (indexing and its gradient). */
import type { DType } from '../../../core/dtype';
import type { View } from '../../backend';
import { decompose, ENTRY_ARGS, LINEAR_ID, metaDecl, storageType } from '../wgsl-common';
import { WORKGROUP } from '../tuning';

/**
 * gather along one dim: out[i] = src[base(i) + index[i] * dimStride]. Out-of-range indices read
 * nothing and give 0 (the front end validates indices it can see).
 * Metadata: [n, srcOffset, indexOffset, dimSize, dimStride, shape[rank], srcStrides[rank], indexStrides[rank]]
 * where srcStrides has 0 at `dim`.
 * `vec4`: each invocation moves 4 consecutive elements of the last dim, where the index is one
 * value along it and the source contiguous (see gatherVec4), and every count, offset and stride
 * above is in vec4s (the last dim's size a quarter, its source stride 1).
 */
export function gatherSource(dtype: DType, rank: number, vec4 = false): string {
  const at = (k: number) => 5 + k * rank;
  const t = vec4 ? `vec4<${storageType(dtype)}>` : storageType(dtype);
  return `${metaDecl(5 + 3 * rank)}
@group(0) @binding(1) var<storage, read> src: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
@compute @workgroup_size(${WORKGROUP})
fn main(${ENTRY_ARGS}) {
  let i = ${LINEAR_ID};
  if (i >= md(0u)) { return; }
  var so = mdi(1u);
  var io = mdi(2u);
${decompose('i', rank, at(0), [
  { name: 'so', stridesAt: at(1) },
  { name: 'io', stridesAt: at(2) },
])}
  let size = mdi(3u);
  var j = index[u32(io)];
  if (j < 0) { j += size; }
  if (j < 0 || j >= size) { out[i] = ${t}(0); return; }
  out[i] = src[u32(so + j * mdi(4u))];
}
`;
}

/**
 * Whether a gather can move vec4s: along dim `dim` but not the last, the last dim a multiple of 4
 * long, the index one value along it (broadcast, as a convolution's patches and an embedding's
 * rows have it), the source contiguous along it with its offset and other strides multiples of 4.
 */
export function gatherVec4(input: View, dim: number, index: View, out: View): boolean {
  const last = out.shape.length - 1;
  if (last < 1 || dim === last || out.shape[last] % 4 !== 0 || input.dtype === 'bool') return false;
  if (index.strides[last] !== 0 || input.strides[last] !== 1 || input.offset % 4 !== 0) return false;
  return input.strides.every((s, d) => d === last || s % 4 === 0 || input.shape[d] === 1);
}

/**
 * scatter-add along one dim with float atomics built from compare-and-swap on the bits.
 * Metadata: [n, srcOffset, indexOffset, outOffset, dimSize, dimStride, shape[rank],
 *            srcStrides[rank], indexStrides[rank], outStrides[rank] (0 at `dim`)].
 */
export function scatterAddSource(rank: number): string {
  const at = (k: number) => 6 + k * rank;
  return `${metaDecl(6 + 4 * rank)}
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<atomic<u32>>;
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
  var j = index[u32(io)];
  if (j < 0) { j += size; }
  if (j < 0 || j >= size) { return; }
  let slot = u32(oo + j * mdi(5u));
  let value = src[u32(so)];
  var old = atomicLoad(&out[slot]);
  loop {
    let swapped = atomicCompareExchangeWeak(&out[slot], old, bitcast<u32>(bitcast<f32>(old) + value));
    if (swapped.exchanged) { break; }
    old = swapped.old_value;
  }
}
`;
}
