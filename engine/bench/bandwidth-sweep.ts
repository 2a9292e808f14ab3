/**
 * Memory bandwidth of the engine's elementwise and reduction kernels at 64M floats, against plain
 * WGSL copy kernels on the same device, and across the vec4 path's and the split reduction's
 * workgroup counts.
 *
 *   npx esbuild engine/bench/bandwidth-sweep.ts --bundle --platform=node --format=esm \
 *     --target=node20 --outfile=.carry/bandwidth.mjs --external:webgpu
 *   WICK_DAWN_OPTIONS=backend=vulkan ./node bandwidth.mjs [n]      (inside .carry)
 *
 * Each row is timed on the GPU timeline (timestamp queries around `REPS` dispatches recorded
 * back to back, no wait between them), median of `ROUNDS` rounds; without timestamp queries,
 * wall time around the same dispatches and a wait. GB/s counts bytes read plus bytes written.
 */
import { WebGpuBackend } from '../backends/webgpu/webgpu-backend';
import type { GpuStorage } from '../backends/webgpu/gpu-storage';
import { EW_TUNING, SPLIT_TUNING } from '../backends/webgpu/tuning';
import { plainSource, type View } from '../backends/backend';
import type { Expr } from '../ops/op-types';
import type { DType } from '../core/dtype';
import { nodeGpu } from '../testing/node-gpu';
import { median } from './harness';

const N = Number(process.argv[2]) || 64 * 1024 * 1024;
const REPS = 20;
const ROUNDS = 7;
const PYTORCH_COPY_GBS = 3000;

const f32: DType = 'float32';
const input = (index: number): Expr => ({ kind: 'input', index, dtype: f32 });
const scalar = (index: number): Expr => ({ kind: 'scalar', index, dtype: f32 });
const bin = (op: 'add' | 'sub' | 'mul', a: Expr, b: Expr): Expr => ({ kind: 'binary', op, a, b, dtype: f32 });
const un = (op: 'relu' | 'neg' | 'abs', x: Expr): Expr => ({ kind: 'unary', op, x, dtype: f32 });
/** Six ops, no transcendental: ((relu(x * s0 + s1) - s2) * s3) + x, negated. */
const CHAIN = un('neg', bin('add', bin('mul', bin('sub', un('relu', bin('add', bin('mul', input(0), scalar(0)), scalar(1))), scalar(2)), scalar(3)), input(0)));

async function main(): Promise<void> {
  process.env.WICK_NATIVE_VULKAN ??= '1';
  const gpu = await nodeGpu();
  if (!gpu) throw new Error('no WebGPU adapter (Dawn found none)');
  const backend = await WebGpuBackend.create(gpu);
  if (!backend) throw new Error('no adapter');
  const device = backend.gpu;
  console.log(
    `device: ${backend.adapterInfo}; n = ${N.toLocaleString('en')} floats (${((N * 4) / 2 ** 20).toFixed(0)} MiB); timestamps: ${backend.hasTimestamps}`,
  );
  console.log(`target: 85% of PyTorch's copy (${PYTORCH_COPY_GBS} GB/s read+write on H100) = ${0.85 * PYTORCH_COPY_GBS} GB/s`);

  const host = new Float32Array(N);
  for (let i = 0; i < N; i++) host[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  const a = backend.upload(host, f32) as GpuStorage;
  const b = backend.allocate(N, f32);
  const small = backend.allocate(8, f32);
  const view = (storage: typeof a, n = N, offset = 0): View => ({ storage, shape: [n], strides: [1], offset, dtype: f32 });

  /** GPU ms of `REPS` runs of `record`, median over rounds. */
  const time = async (record: () => void): Promise<number> => {
    record();
    await backend.finish();
    const rounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const started = performance.now();
      const m0 = backend.mark();
      for (let i = 0; i < REPS; i++) record();
      const m1 = backend.mark();
      await backend.finish();
      const wall = performance.now() - started;
      const [t0, t1] = await Promise.all([m0, m1]);
      rounds.push((t0 !== null && t1 !== null ? t1 - t0 : wall) / REPS);
    }
    return median(rounds);
  };
  const row = (name: string, ms: number, bytes: number) => {
    const gbs = bytes / (ms * 1e6);
    console.log(
      `${name.padEnd(58)} ${ms.toFixed(3).padStart(8)} ms ${gbs.toFixed(0).padStart(6)} GB/s ${((gbs / PYTORCH_COPY_GBS) * 100).toFixed(0).padStart(4)}% of PyTorch copy`,
    );
  };

  // Plain copy kernels through raw WebGPU on the same buffers.
  const rawCopy = (vec4: boolean, perThread: number) => {
    const t = vec4 ? 'vec4<f32>' : 'f32';
    const count = vec4 ? N / 4 : N;
    const code = `@group(0) @binding(0) var<storage, read> src: array<${t}>;
@group(0) @binding(1) var<storage, read_write> dst: array<${t}>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let stride = nwg.x * nwg.y * 256u;
  var i = g.y * nwg.x * 256u + g.x;
  for (; i < ${count}u; i += stride) { dst[i] = src[i]; }
}`;
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: a.block.buffer } },
        { binding: 1, resource: { buffer: b.block.buffer } },
      ],
    });
    const groups = Math.ceil(count / 256 / perThread);
    const [x, y] = groups <= 65535 ? [groups, 1] : [Math.ceil(groups / Math.ceil(groups / 65535)), Math.ceil(groups / 65535)];
    return async () => {
      const query = backend.hasTimestamps ? device.createQuerySet({ type: 'timestamp', count: 2 }) : null;
      const resolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      const read = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const rounds: number[] = [];
      for (let r = 0; r <= ROUNDS; r++) {
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass(query ? { timestampWrites: { querySet: query, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : undefined);
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bind);
        for (let i = 0; i < REPS; i++) pass.dispatchWorkgroups(x, y);
        pass.end();
        if (query) {
          enc.resolveQuerySet(query, 0, 2, resolve, 0);
          enc.copyBufferToBuffer(resolve, 0, read, 0, 16);
        }
        const started = performance.now();
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
        let ms = performance.now() - started;
        if (query) {
          await read.mapAsync(GPUMapMode.READ);
          const ns = new BigInt64Array(read.getMappedRange());
          ms = Number(ns[1] - ns[0]) / 1e6;
          read.unmap();
        }
        if (r > 0) rounds.push(ms / REPS);
      }
      return median(rounds);
    };
  };
  console.log('\n-- reference kernels (raw WGSL) --');
  row('plain copy, f32, one element per thread', await rawCopy(false, 1)(), 8 * N);
  row('plain copy, vec4, one vec4 per thread', await rawCopy(true, 1)(), 8 * N);
  row('plain copy, vec4, 8 vec4 per thread (grid-stride)', await rawCopy(true, 8)(), 8 * N);

  console.log('\n-- engine elementwise --');
  const ew = (expr: Expr, offset: number, scalars: number[]) => () =>
    backend.elementwise(expr, [view(a, N - (offset ? 4 : 0), offset)], view(b, N - (offset ? 4 : 0)), scalars);
  row('copy, scalar path (input at offset 1)', await time(ew(input(0), 1, [])), 8 * N);
  row('6-op chain, scalar path (input at offset 1)', await time(ew(CHAIN, 1, [2, 1, 0.5, 3])), 8 * N);
  for (const cap of [512, 1024, 2048, 4096, 8192, 16384, 1 << 30]) {
    EW_TUNING.maxGroups = cap;
    const label = cap === 1 << 30 ? 'one vec4 per thread' : `<= ${cap} groups`;
    row(`copy, vec4 path, ${label}`, await time(ew(input(0), 0, [])), 8 * N);
    row(`6-op chain, vec4 path, ${label}`, await time(ew(CHAIN, 0, [2, 1, 0.5, 3])), 8 * N);
  }
  EW_TUNING.maxGroups = 4096;
  const sample = await backend.read({ ...view(b, 8), offset: 1000 });
  const want = Array.from(host.subarray(1000, 1008), (x) => -((Math.max(x * 2 + 1, 0) - 0.5) * 3 + x));
  console.log(`chain check: max error ${Math.max(...Array.from(sample, (v, i) => Math.abs(v - want[i]))).toExponential(2)}`);

  console.log('\n-- engine sum of all elements --');
  const out = view(small, 1);
  const sum = () => backend.reduce('sum', plainSource(view(a)), 0, out);
  SPLIT_TUNING.targetGroups = 1;
  row('sum, one workgroup (split off)', await time(sum), 4 * N);
  for (const target of [256, 512, 1024, 2048, 4096, 8192, 16384]) {
    SPLIT_TUNING.targetGroups = target;
    row(`sum, split into ~${target} workgroups (vec4 rows)`, await time(sum), 4 * N);
  }
  SPLIT_TUNING.targetGroups = 2048;
  row('max, split (vec4 rows)', await time(() => backend.reduce('max', plainSource(view(a)), 0, out)), 4 * N);
  row('sum, split, unaligned (offset 1: flat rows)', await time(() => backend.reduce('sum', plainSource(view(a, N - 4, 1)), 0, out)), 4 * N);
  const rows8: View = { storage: a, shape: [8, N / 8], strides: [N / 8, 1], offset: 0, dtype: f32 };
  row('sum of 8 rows of n/8 (vec4 rows)', await time(() => backend.reduce('sum', plainSource(rows8), 1, view(small, 8))), 4 * N);
  let exact = 0;
  for (let i = 0; i < N; i++) exact += host[i];
  backend.reduce('sum', plainSource(view(a)), 0, out);
  const got = (await backend.read(out))[0];
  console.log(`sum check: ${got} vs ${exact.toFixed(3)} (float64 on the CPU)`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
