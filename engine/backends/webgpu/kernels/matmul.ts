/**
 * Matmul kernels chosen by shape and layout. Every variant computes out[b] = a[b] @ b[b] (+ a fused
 * elementwise epilogue) over strided, batched (broadcast by stride 0), offset views, with any M,
 * N, K. The register-blocked tiled kernel (matmul-tiled.ts) loads an operand as vec4 where its
 * inner dimension is contiguous and aligned (plain or transposed), and scalar otherwise; the
 * tile sizes follow the output's size (large tiles for large outputs, small ones so that small
 * outputs still fill the GPU).
 */
import type { View } from '../../backend';
import type { MatmulEpilogue } from './matmul-epilogue';
import { configKey, tiledSource, type LoadA, type LoadB, type TiledConfig } from './matmul-tiled';
import { BIG_PLAIN_TILE, BIG_TILE, MATMUL_TUNING, MID_TILES, SMALL_TILE, SOFTWARE_TILE, type Tile } from '../tuning';

export type { MatmulEpilogue } from './matmul-epilogue';

/** Whether `view` can be read as vec4 along dim `inner`: unit stride there, other strides, offset and extent aligned to 4. */
function vec4Readable(view: View, inner: number): boolean {
  if (view.offset % 4 !== 0) return false;
  let last = view.offset;
  for (let d = 0; d < view.shape.length; d++) {
    const size = view.shape[d];
    const stride = view.strides[d];
    if (size === 1) continue;
    if (stride < 0) return false;
    if (d === inner ? stride !== 1 : stride % 4 !== 0) return false;
    last += (size - 1) * stride;
  }
  // The vec4 holding the last element lies inside the storage (buffers are at least its size).
  return 4 * Math.floor(last / 4) + 4 <= view.storage.length;
}

/**
 * The largest tile that still gives the GPU about 100 workgroups (a big GPU has about that many
 * cores), as the sweeps measured (engine/bench/matmul-sweep.ts and sweeps like it; figures in
 * engine/bench/RESULTS.md): 128x128 for many tiles, with BK=16 where A and B are plain, else BK=8;
 * BK=16 for fewer; 128x64 with BK=16 where that still gives enough workgroups (faster than
 * 128x128 split along K), else 64x64 with BK=16. Two stages each, but one for plain products.
 * Tiles needing more workgroup memory than the device has fall back to smaller BK. A tile mostly
 * outside the output (N = 64 under a 128-wide tile: a convolution's 64 channels, tall-skinny
 * products) gives way to the next that fills it.
 */
function tileFor(m: number, n: number, batches: number, storage: number, plain: boolean): Tile {
  const tiles = (bm: number, bn: number) => Math.ceil(m / bm) * Math.ceil(n / bn) * batches;
  const fits = (t: Tile) => t[5] * (t[0] + t[1]) * t[2] * 4 <= storage;
  const candidates: [number, Tile][] = [[256, plain ? BIG_PLAIN_TILE : BIG_TILE], ...MID_TILES];
  // The share of the tiles' outputs that lie inside M x N (a 128-wide tile on N = 64 idles half its sums).
  const filled = (t: Tile) => (m / (Math.ceil(m / t[0]) * t[0])) * (n / (Math.ceil(n / t[1]) * t[1]));
  const usable = candidates.filter(([least, t]) => tiles(t[0], t[1]) >= least && fits(t));
  return (usable.find(([, t]) => filled(t) >= 0.75) ?? usable[0])?.[1] ?? SMALL_TILE;
}

/**
 * The kernel variant for these views (the backend and the compiler's WGSL view both ask here).
 * `storage`: the device's workgroup memory in bytes (WebGPU guarantees 16 KiB, desktop GPUs 32 or more).
 */
export function chooseMatmul(a: View, b: View, out: View, storage = 32768): TiledConfig {
  const rank = out.shape.length;
  const [m, n] = [out.shape[rank - 2], out.shape[rank - 1]];
  const batches = out.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  // A software adapter (SwiftShader, llvmpipe) runs on the CPU, where big tiles and vec4 loads
  // gain nothing and cost compile time: SwiftShader compiles the 64x64 two-stage tile for seconds
  // per layout variant, the 32x32 one-stage scalar tile several times faster, and that one kernel
  // serves every layout.
  const software = MATMUL_TUNING.softwareAdapter && !MATMUL_TUNING.force;
  const la: LoadA = software ? 's' : vec4Readable(a, rank - 1) ? 'k4' : vec4Readable(a, rank - 2) ? 'm4' : 's';
  const lb: LoadB = software ? 's' : vec4Readable(b, rank - 1) ? 'n4' : vec4Readable(b, rank - 2) ? 'k4' : 's';
  const c4 = !software && n % 4 === 0 && out.offset % 4 === 0;
  const [bm, bn, bk, tm, tn, stages] = MATMUL_TUNING.force ?? (software ? SOFTWARE_TILE : tileFor(m, n, batches, storage, la === 'k4' && lb === 'n4'));
  // Unrolled WGSL pays for 8x8 and 8x4 sums per invocation (the loop form was slower there); 4x4
  // runs as fast as a loop, whose shorter WGSL compiles faster.
  const unroll = MATMUL_TUNING.unroll ?? tm * tn >= 32;
  // A contiguous along K, with BK=16: A's tile kept row-major in workgroup memory (faster than
  // transposed with every tile size, B plain or transposed). At BK=8 the transposed tile was as
  // fast and is kept.
  const aRows = la === 'k4' && (MATMUL_TUNING.aRows ?? bk >= 16);
  // Many tiles: launched in groups of 4 tile rows, so the workgroups running at once share A's rows
  // and B's columns in L2 (slightly faster than row by row).
  const group = MATMUL_TUNING.group ?? (Math.ceil(m / bm) * Math.ceil(n / bn) >= 256 ? 4 : 0);
  return { bm, bn, bk, tm, tn, stages, la, lb, c4, unroll, aRows, group };
}

/** Pipeline cache key of a variant (with the epilogue's key appended by the caller). */
export function matmulKey(config: TiledConfig, batchRank: number): string {
  return `matmul|${configKey(config)}|b${batchRank}`;
}

export function matmulSource(config: TiledConfig, batchRank: number, epilogue: MatmulEpilogue | null = null): string {
  return tiledSource(config, batchRank, epilogue);
}

export function matmulGroups(config: TiledConfig, m: number, n: number, batches: number): [number, number, number] {
  return [Math.ceil(n / config.bn), Math.ceil(m / config.bm), batches];
}
