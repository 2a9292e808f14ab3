/**
 * Times the matmul kernel variants on the device through the engine's WebGPU backend (Dawn in
 * Node), forcing each tile shape in turn (MATMUL_TUNING), to choose tile shapes by problem shape.
 *
 *   npx esbuild engine/bench/matmul-sweep.ts --bundle --platform=node --format=esm \
 *     --target=node20 --outfile=.carry/sweep.mjs --external:webgpu
 *   WICK_DAWN_OPTIONS=backend=vulkan ./node sweep.mjs [quick | local | only=<shape index>]
 *
 * Each variant is timed on the GPU timeline (timestamp marks around several dispatches recorded
 * back to back), in rounds that interleave the variants; the median rate is printed in TFLOP/s.
 * Round 0 checks a few sampled outputs of every variant against sums computed here.
 */
import { WebGpuBackend } from '../backends/webgpu/webgpu-backend';
import type { GpuStorage } from '../backends/webgpu/gpu-storage';
import { chooseMatmul } from '../backends/webgpu/kernels/matmul';
import { MATMUL_TUNING, type Tile } from '../backends/webgpu/tuning';
import { configKey } from '../backends/webgpu/kernels/matmul-tiled';
import type { View } from '../backends/backend';
import { nodeGpu } from '../testing/node-gpu';
import { median } from './harness';

interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
  batch: number;
  /** 'n': contiguous; 't': a transposed view (A stored K x M, B stored N x K). */
  layout: 'nn' | 'nt' | 'tn';
}

const TILES: Tile[] = [
  [128, 128, 8, 8, 8, 1],
  [128, 128, 8, 8, 8, 2],
  [128, 128, 16, 8, 8, 1],
  [128, 128, 16, 8, 8, 2],
  [128, 64, 8, 8, 4, 2],
  [128, 64, 16, 8, 4, 2],
  [64, 64, 8, 4, 4, 2],
  [64, 64, 16, 4, 4, 1],
  [64, 64, 16, 4, 4, 2],
];

const quick = process.argv.includes('quick');
const SHAPES: Shape[] = [
  { name: '4096^3', m: 4096, n: 4096, k: 4096, batch: 1, layout: 'nn' },
  { name: '4096^3 b^T', m: 4096, n: 4096, k: 4096, batch: 1, layout: 'nt' },
  { name: '4096^3 a^T', m: 4096, n: 4096, k: 4096, batch: 1, layout: 'tn' },
  { name: '2048^3', m: 2048, n: 2048, k: 2048, batch: 1, layout: 'nn' },
  { name: '1024^3', m: 1024, n: 1024, k: 1024, batch: 1, layout: 'nn' },
  { name: '512^3', m: 512, n: 512, k: 512, batch: 1, layout: 'nn' },
  { name: 'fwd 512x1024x784 x@W^T', m: 512, n: 1024, k: 784, batch: 1, layout: 'nt' },
  { name: 'bwd 512x784x1024 g@W', m: 512, n: 784, k: 1024, batch: 1, layout: 'nn' },
  { name: 'bwd 1024x784x512 g^T@x', m: 1024, n: 784, k: 512, batch: 1, layout: 'tn' },
  { name: 'head 512x10x1024 x@W^T', m: 512, n: 10, k: 1024, batch: 1, layout: 'nt' },
  { name: 'tall 8192x256x256', m: 8192, n: 256, k: 256, batch: 1, layout: 'nn' },
  { name: 'batched 32x256^3', m: 256, n: 256, k: 256, batch: 32, layout: 'nn' },
  { name: 'long-K 256x256x8192', m: 256, n: 256, k: 8192, batch: 1, layout: 'nn' },
  { name: 'conv wgrad 64x576x100352 g^T@cols', m: 64, n: 576, k: 100352, batch: 1, layout: 'tn' },
];
const LOCAL: Shape[] = [
  { name: 'local nn', m: 70, n: 52, k: 45, batch: 1, layout: 'nn' },
  { name: 'local nt', m: 64, n: 36, k: 40, batch: 2, layout: 'nt' },
  { name: 'local tn', m: 68, n: 44, k: 33, batch: 1, layout: 'tn' },
];
// `only=3` runs the fourth shape alone (one process per shape keeps a driver crash to one shape).
const only = process.argv.find((a) => a.startsWith('only='));
const shapes = process.argv.includes('local') ? LOCAL : SHAPES.filter((s, i) => (!quick || s.m <= 1024) && (!only || i === Number(only.slice(5))));

function rand(n: number): Float32Array {
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = (s / 4294967296) * 2 - 1;
  }
  return x;
}

async function main() {
  process.env.WICK_NATIVE_VULKAN ??= '1';
  const gpu = await nodeGpu();
  if (!gpu) throw new Error('no WebGPU adapter (Dawn found none)');
  const backend = await WebGpuBackend.create(gpu);
  if (!backend) throw new Error('no adapter');
  const l = backend.gpu.limits;
  console.log(`device: ${backend.adapterInfo}; timestamps: ${backend.hasTimestamps}; workgroup storage ${l.maxComputeWorkgroupStorageSize}`);
  for (const s of shapes) {
    const { m, n, k, batch } = s;
    const aLen = batch * m * k;
    const bLen = batch * k * n;
    const hostA = rand(aLen);
    const hostB = rand(bLen).map((x) => x * 0.5);
    const A = backend.upload(hostA, 'float32') as GpuStorage;
    const B = backend.upload(hostB, 'float32') as GpuStorage;
    const C = backend.allocate(batch * m * n, 'float32');
    // A is M x K (or stored K x M), B is K x N (or stored N x K).
    const [sam, sak] = s.layout === 'tn' ? [1, m] : [k, 1];
    const [sbk, sbn] = s.layout === 'nt' ? [1, k] : [n, 1];
    const view = (storage: GpuStorage, shape: number[], strides: number[]): View => ({ storage, shape, strides, offset: 0, dtype: 'float32' });
    const av = view(A, [batch, m, k], [m * k, sam, sak]);
    const bv = view(B, [batch, k, n], [k * n, sbk, sbn]);
    const cv = view(C, [batch, m, n], [m * n, n, 1]);
    MATMUL_TUNING.force = null;
    const chosen = configKey(chooseMatmul(av, bv, cv));
    // Each tile unrolled and as a loop, after the engine's own choice.
    const tiles = TILES.filter(([bm, bn, bk, , , stages]) => stages * (bm + bn) * bk * 4 <= l.maxComputeWorkgroupStorageSize);
    const variants: { tile: Tile | null; unroll: boolean | null }[] = [
      { tile: null, unroll: null },
      ...tiles.flatMap((tile) => [true, false].map((unroll) => ({ tile, unroll }))),
    ];
    const names = variants.map(({ tile, unroll }) => {
      MATMUL_TUNING.force = tile;
      MATMUL_TUNING.unroll = unroll;
      return tile ? configKey(chooseMatmul(av, bv, cv)) : `chosen: ${chosen}`;
    });
    const flops = 2 * m * n * k * batch;
    const reps = Math.max(2, Math.min(50, Math.round(2e11 / flops)));
    const times = variants.map(() => [] as number[]);
    const bad: string[] = [];
    for (let round = 0; round < 4; round++) {
      for (const [vi, t] of variants.entries()) {
        MATMUL_TUNING.force = t.tile;
        MATMUL_TUNING.unroll = t.unroll;
        const record = () => backend.matmul(av, bv, cv);
        if (round === 0) {
          // Round 0 compiles, warms up and checks sampled outputs against sums computed here.
          record();
          const c = await backend.read(cv);
          let worst = 0;
          for (let i = 0; i < 24; i++) {
            const [bi, r, col] = [(i * 7) % batch, (i * 7919) % m, (i * 104729 + i) % n];
            let want = 0;
            for (let kk = 0; kk < k; kk++) want += hostA[bi * m * k + r * sam + kk * sak] * hostB[bi * k * n + kk * sbk + col * sbn];
            worst = Math.max(worst, Math.abs(c[bi * m * n + r * n + col] - want) / (1 + Math.abs(want)));
          }
          if (worst > 1e-3) bad.push(`${names[vi]} (error ${worst.toExponential(1)})`);
          continue;
        }
        const started = performance.now();
        const m0 = backend.mark();
        for (let i = 0; i < reps; i++) record();
        const m1 = backend.mark();
        await backend.finish();
        const wall = performance.now() - started;
        const [t0, t1] = await Promise.all([m0, m1]);
        times[vi].push((t0 !== null && t1 !== null ? t1 - t0 : wall) / reps);
      }
    }
    MATMUL_TUNING.force = null;
    MATMUL_TUNING.unroll = null;
    console.log(`\n${s.name} (M=${m} N=${n} K=${k} batch=${batch}, ${s.layout}, ${reps} dispatches per timing, median of 3 rounds)`);
    const rates = variants.map((_, vi) => ({ name: names[vi], ms: median(times[vi]), tflops: flops / median(times[vi]) / 1e9 }));
    for (const r of rates) console.log(`  ${r.name.padEnd(40)} ${r.ms.toFixed(3).padStart(9)} ms ${r.tflops.toFixed(2).padStart(7)} TFLOP/s`);
    const best = rates.reduce((x, y) => (y.tflops > x.tflops ? y : x));
    console.log(`  best: ${best.name} ${best.tflops.toFixed(2)}`);
    if (bad.length) console.log(`  WRONG RESULTS: ${bad.join(', ')}`);
    for (const st of [A, B, C]) backend.release(st);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
