/**
 * The general matmul kernel (any strides, scalar loads). Tiled batched matmul over strided operands (transposed views are read in place): 64x64 output
 * tiles, 16x16 invocations each computing 4x4 outputs in registers, K in steps of 16 through
 * workgroup memory. Batch dims (broadcast by stride 0) map to the z dimension of the grid.
 *
 * Metadata: [M, N, K, aOffset, bOffset, outOffset, aStrideM, aStrideK, bStrideK, bStrideN,
 *            batchShape[nb], aBatchStrides[nb], bBatchStrides[nb]].
 */
import { metaDecl, PRELUDE } from '../wgsl-common';
import { epiloguePieces, type MatmulEpilogue } from './matmul-epilogue';

export const TILE = 64;
const BK = 16;

export function genericSource(batchRank: number, epilogue: MatmulEpilogue | null = null): string {
  const base = 10;
  const epi = epiloguePieces(epilogue, batchRank, base + 3 * batchRank, 4);
  const storeValue = epi.call ? epi.call('acc[i][j]', 'r', 'col') : 'acc[i][j]';
  return `${PRELUDE}
${metaDecl(epi.words)}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
${epi.bindings}
${epi.fn}
var<workgroup> tileA: array<array<f32, ${TILE}>, ${BK}>;
var<workgroup> tileB: array<array<f32, ${TILE}>, ${BK}>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = md(0u);
  let N = md(1u);
  let K = md(2u);
  var aOff = mdi(3u);
  var bOff = mdi(4u);
  var rem = wid.z;
  for (var d = ${batchRank - 1}; d >= 0; d--) {
    let size = md(${base}u + u32(d));
    let c0 = i32(rem % size);
    rem = rem / size;
    aOff += c0 * mdi(${base + batchRank}u + u32(d));
    bOff += c0 * mdi(${base + 2 * batchRank}u + u32(d));
  }
  let cOff = md(5u) + wid.z * M * N;
  let sam = mdi(6u);
  let sak = mdi(7u);
  let sbk = mdi(8u);
  let sbn = mdi(9u);
  let row0 = wid.y * ${TILE}u + lid.y * 4u;
  let col0 = wid.x * ${TILE}u + lid.x * 4u;
  let t = lid.y * 16u + lid.x;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < K; k0 += ${BK}u) {
    for (var e = 0u; e < 4u; e++) {
      let flat = t * 4u + e;
      let kk = flat / ${TILE}u;
      let mm = flat % ${TILE}u;
      let gr = wid.y * ${TILE}u + mm;
      let gk = k0 + kk;
      var va = 0.0;
      if (gr < M && gk < K) { va = a[u32(aOff + i32(gr) * sam + i32(gk) * sak)]; }
      tileA[kk][mm] = va;
      let gc = wid.x * ${TILE}u + mm;
      var vb = 0.0;
      if (gc < N && gk < K) { vb = b[u32(bOff + i32(gk) * sbk + i32(gc) * sbn)]; }
      tileB[kk][mm] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk++) {
      let a4 = vec4<f32>(tileA[kk][lid.y * 4u], tileA[kk][lid.y * 4u + 1u], tileA[kk][lid.y * 4u + 2u], tileA[kk][lid.y * 4u + 3u]);
      let b4 = vec4<f32>(tileB[kk][lid.x * 4u], tileB[kk][lid.x * 4u + 1u], tileB[kk][lid.x * 4u + 2u], tileB[kk][lid.x * 4u + 3u]);
      for (var i = 0u; i < 4u; i++) {
        acc[i][0] += a4[i] * b4[0];
        acc[i][1] += a4[i] * b4[1];
        acc[i][2] += a4[i] * b4[2];
        acc[i][3] += a4[i] * b4[3];
      }
    }
    workgroupBarrier();
  }
${epi.base}
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + i;
    if (r >= M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + j;
      if (col < N) { c[cOff + r * N + col] = ${storeValue}; }
    }
  }
}
`;
}
