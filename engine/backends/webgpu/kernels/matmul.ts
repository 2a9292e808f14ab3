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

/** Tile shapes by output size: [bm, bn, bk, tm, tn, stages]. */
export type Tile = [number, number, number, number, number, 1 | 2];
const LARGE: Tile = [128, 128, 8, 8, 8, 2];
const MEDIUM: Tile = [64, 64, 8, 4, 4, 2];
const SMALL: Tile = [32, 32, 8, 4, 4, 1];

function tileFor(m: number, n: number, batches: number): Tile {
  const outputs = m * n * batches;
  if (outputs >= 2048 * 2048) return LARGE;
  if (outputs >= 256 * 256) return MEDIUM;
  return SMALL;
}

/** For the sweep (engine/bench/matmul-sweep.ts): a tile shape forced on every matmul. */
export const MATMUL_TUNING: { force: Tile | null } = { force: null };

/** The kernel variant for these views (the backend and the compiler's WGSL view both ask here). */
export function chooseMatmul(a: View, b: View, out: View): TiledConfig {
  const rank = out.shape.length;
  const [m, n] = [out.shape[rank - 2], out.shape[rank - 1]];
  const batches = out.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const la: LoadA = vec4Readable(a, rank - 1) ? 'k4' : vec4Readable(a, rank - 2) ? 'm4' : 's';
  const lb: LoadB = vec4Readable(b, rank - 1) ? 'n4' : vec4Readable(b, rank - 2) ? 'k4' : 's';
  const c4 = n % 4 === 0 && out.offset % 4 === 0;
  const [bm, bn, bk, tm, tn, stages] = MATMUL_TUNING.force ?? tileFor(m, n, batches);
  return { bm, bn, bk, tm, tn, stages, la, lb, c4 };
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
