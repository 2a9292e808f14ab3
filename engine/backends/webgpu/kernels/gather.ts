/** The gather and scatter-add kernels (indexing and its gradient). */
import type { DType } from '../../../core/dtype';
import type { View } from '../../backend';
import { decompose, ENTRY_ARGS, LINEAR_ID, metaDecl, storageType } from '../wgsl-common';
import { WORKGROUP } from '../tuning';

/**
 * The binding where index kernels record the first out-of-range index they meet (see
 * reportBadIndex): [flag, op id, dim, bad index, dim size], read back with the next read.
 */
export const INDEX_ERROR_WORDS = 8;

function errorBinding(binding: number): string {
  return `@group(0) @binding(${binding}) var<storage, read_write> index_errors: array<atomic<i32>>;`;
}

/**
 * WGSL that records `raw` (an index outside [-size, size)) unless an earlier one is recorded: the
 * op id and dim the front end gave sit at metadata words `opAt` and `opAt + 1`.
 */
function reportBadIndex(raw: string, size: string, opAt: number): string {
  return `if (atomicMax(&index_errors[0], 1) == 0) {
      atomicStore(&index_errors[1], mdi(${opAt}u));
      atomicStore(&index_errors[2], mdi(${opAt + 1}u));
      atomicStore(&index_errors[3], ${raw});
      atomicStore(&index_errors[4], ${size});
    }`;
}

/**
 * gather along one dim: out[i] = src[base(i) + index[i] * dimStride]. An out-of-range index gives 0
 * and is recorded in `index_errors` (the backend raises it at the next read).
 * Metadata: [n, srcOffset, indexOffset, dimSize, dimStride, opId, reportDim, shape[rank], srcStrides[rank],
 * indexStrides[rank]] where srcStrides has 0 at `dim`.
 * `vec4`: each invocation moves 4 consecutive elements of the last dim, where the index is one
 * value along it and the source contiguous (see gatherVec4), and every count, offset and stride
 * above is in vec4s (the last dim's size a quarter, its source stride 1).
 */
export function gatherSource(dtype: DType, rank: number, vec4 = false): string {
  const at = (k: number) => 7 + k * rank;
  const t = vec4 ? `vec4<${storageType(dtype)}>` : storageType(dtype);
  return `${metaDecl(7 + 3 * rank)}
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
${decompose('i', rank, at(0), [
  { name: 'so', stridesAt: at(1) },
  { name: 'io', stridesAt: at(2) },
])}
  let size = mdi(3u);
  let raw = index[u32(io)];
  var j = raw;
  if (j < 0) { j += size; }
  if (j < 0 || j >= size) {
    ${reportBadIndex('raw', 'size', 5)}
    out[i] = ${t}(0);
    return;
  }
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
 * The kernel shape scatter-add and scatter share: one invocation per index element writes its
 * source value into `out` at the index along one dim; an out-of-range index writes nothing and is
 * recorded as in gather. `write` is the WGSL that stores `src[u32(so)]` at `slot`.
 * Metadata: [n, srcOffset, indexOffset, outOffset, dimSize, dimStride, opId, reportDim, shape[rank],
 *            srcStrides[rank], indexStrides[rank], outStrides[rank] (0 at `dim`)].
 */
export function scatterShader(rank: number, srcType: string, outType: string, write: string): string {
  const at = (k: number) => 8 + k * rank;
  return `${metaDecl(8 + 4 * rank)}
@group(0) @binding(1) var<storage, read> src: array<${srcType}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${outType}>;
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
  let slot = u32(oo + j * mdi(5u));
  ${write}
}
`;
}

/** scatter-add along one dim, with float atomics built from compare-and-swap on the bits (see scatterShader). */
export function scatterAddSource(rank: number): string {
  return scatterShader(
    rank,
    'f32',
    'atomic<u32>',
    `let value = src[u32(so)];
  var old = atomicLoad(&out[slot]);
  loop {
    let swapped = atomicCompareExchangeWeak(&out[slot], old, bitcast<u32>(bitcast<f32>(old) + value));
    if (swapped.exchanged) { break; }
    old = swapped.old_value;
  }`,
  );
}
