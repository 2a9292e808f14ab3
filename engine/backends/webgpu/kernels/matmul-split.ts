/**
 * Split-K for outputs too small to fill the GPU with long K (a 256x256 product over K=8192, a
 * convolution's weight gradient): the tiled kernel runs once per part of K, each part writing its
 * sums to a plane of a temporary [batch, parts, M, N] buffer, and a second kernel adds the parts
 * in order (deterministic) and applies the fused epilogue.
 *
 * Both read the tiled kernel's metadata with two words added after the batch strides: the number
 * of parts and the chunk of K each part sums (a multiple of BK); the epilogue leaves follow.
 */
import { metaDecl, PRELUDE } from '../wgsl-common';
import { epiloguePieces, type MatmulEpilogue } from './matmul-epilogue';
import type { TiledConfig } from './matmul-tiled';
import { MAX_PARTIAL_FLOATS } from '../tuning';

export interface SplitPlan {
  parts: number;
  chunk: number;
}

/** Parts of K to run in parallel, or null where the output's tiles already fill the GPU (or K is short). */
export function matmulSplit(config: TiledConfig, m: number, n: number, k: number, batches: number): SplitPlan | null {
  const tiles = Math.ceil(m / config.bm) * Math.ceil(n / config.bn) * batches;
  if (tiles >= 64 || k < 1024) return null;
  const parts = Math.min(Math.ceil(k / 256), Math.ceil(256 / tiles), Math.floor(MAX_PARTIAL_FLOATS / (m * n * batches)), Math.floor(65535 / batches));
  if (parts < 2) return null;
  const chunk = Math.ceil(k / parts / config.bk) * config.bk;
  return { parts: Math.ceil(k / chunk), chunk };
}

/** Adds the parts' planes of `t` into `c` (metadata word 5: the output's offset), through the epilogue. */
export function splitSumSource(batchRank: number, epilogue: MatmulEpilogue | null): string {
  const splitAt = 10 + 3 * batchRank;
  const epi = epiloguePieces(epilogue, batchRank, splitAt + 2, 3);
  return `${PRELUDE}
${metaDecl(epi.words)}
@group(0) @binding(1) var<storage, read> t: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
${epi.bindings}
${epi.fn}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = md(0u);
  let N = md(1u);
  let parts = md(${splitAt}u);
  let mn = M * N;
  let idx = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (idx >= mn) { return; }
${epi.base}
  let r = idx / N;
  let col = idx % N;
  var v = 0.0;
  for (var s = 0u; s < parts; s++) { v += t[(wid.z * parts + s) * mn + idx]; }
  c[md(5u) + wid.z * mn + idx] = ${epi.call ? epi.call('v', 'r', 'col') : 'v'};
}
`;
}
