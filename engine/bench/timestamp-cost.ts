/**
 * What GPU timestamps cost the GPU itself, through the raw WebGPU API (no engine): 200 dependent
 * elementwise kernels, recorded before the clock starts, submitted at once, timed from submit to
 * done. Variants: one pass, a pass each, a pass each with timestamps at both ends, at one end,
 * and a timestamp only every tenth kernel. Tells the profiler's own cost (engine/bench/RESULTS.md)
 * apart from what the platform charges per timestamp.
 *
 *   npx tsx engine/bench/timestamp-cost.ts [floats per tensor, default 8388608]
 */
import { nodeGpu } from '../testing/node-gpu';

const KERNELS = 200;
const REPS = 15;

const gpu = await nodeGpu();
const adapter = await gpu?.requestAdapter();
if (!adapter?.features.has('timestamp-query')) {
  console.log('no WebGPU adapter with timestamp-query here');
  process.exit(0);
}
const device = await adapter.requestDevice({ requiredFeatures: ['timestamp-query'] });
const floats = Number(process.argv[2] ?? 4096 * 2048);
const buffer = () => device.createBuffer({ size: floats * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
const buffers = [buffer(), buffer()];
const module = device.createShaderModule({
  code: `
@group(0) @binding(0) var<storage, read> a: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> b: array<vec4f>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) n: vec3u) {
  let i = g.x + g.y * n.x * 256u;
  if (i < arrayLength(&b)) { b[i] = a[i] * 0.999 + 0.001; }
}`,
});
const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
const workgroups = Math.ceil(floats / 4 / 256);
const grid: [number, number] = [Math.min(65535, workgroups), Math.ceil(workgroups / 65535)];
// Ping-pong: kernel k reads what kernel k - 1 wrote, as an eager loop's ops do.
const groups = [0, 1].map((i) =>
  device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: buffers[i] } },
      { binding: 1, resource: { buffer: buffers[1 - i] } },
    ],
  }),
);
const queries = 2 * KERNELS;
const querySet = device.createQuerySet({ type: 'timestamp', count: queries });
const resolved = device.createBuffer({ size: queries * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
const readback = device.createBuffer({ size: queries * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });

type Writes = (k: number) => GPUComputePassTimestampWrites | undefined;
/** Records the kernels, a pass each unless `onePass`; returns the queries written. */
function record(encoder: GPUCommandEncoder, onePass: boolean, writes: Writes, marksEvery = 0): number {
  let used = 0;
  let pass: GPUComputePassEncoder | null = null;
  for (let k = 0; k < KERNELS; k++) {
    if (!pass) {
      const timestampWrites = writes(k);
      if (timestampWrites) used += Number(timestampWrites.beginningOfPassWriteIndex !== undefined) + Number(timestampWrites.endOfPassWriteIndex !== undefined);
      pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : {});
      pass.setPipeline(pipeline);
    }
    pass.setBindGroup(0, groups[k % 2]);
    pass.dispatchWorkgroups(grid[0], grid[1]);
    if (!onePass) {
      pass.end();
      pass = null;
    }
    if (marksEvery && k % marksEvery === marksEvery - 1) encoder.beginComputePass({ timestampWrites: { querySet, endOfPassWriteIndex: used++ } }).end();
  }
  pass?.end();
  return used;
}

const none: Writes = () => undefined;
const variants: [string, (e: GPUCommandEncoder) => number][] = [
  ['one pass', (e) => record(e, true, none)],
  ['a pass each', (e) => record(e, false, none)],
  ['a pass each, timestamps at both ends', (e) => record(e, false, (k) => ({ querySet, beginningOfPassWriteIndex: 2 * k, endOfPassWriteIndex: 2 * k + 1 }))],
  ['a pass each, a timestamp at its end', (e) => record(e, false, (k) => ({ querySet, endOfPassWriteIndex: k }))],
  ['a pass each, a timestamp at its start', (e) => record(e, false, (k) => ({ querySet, beginningOfPassWriteIndex: k }))],
  ['a pass each, a timestamp every 10 kernels', (e) => record(e, false, none, 10)],
];
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

console.log(`${KERNELS} kernels on ${floats} floats, ${adapter.info.description || adapter.info.vendor}`);
for (const [name, variant] of variants) {
  const walls: number[] = [];
  const spans: number[] = [];
  for (let r = 0; r < REPS + 2; r++) {
    const encoder = device.createCommandEncoder();
    const used = variant(encoder);
    if (used) {
      encoder.resolveQuerySet(querySet, 0, used, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, readback, 0, used * 8);
    }
    const commands = encoder.finish();
    await device.queue.onSubmittedWorkDone();
    const started = performance.now();
    device.queue.submit([commands]);
    await device.queue.onSubmittedWorkDone();
    if (r < 2) continue; // warm-up
    walls.push(performance.now() - started);
    if (used) {
      await readback.mapAsync(GPUMapMode.READ);
      const ns = new BigInt64Array(readback.getMappedRange().slice(0, used * 8));
      readback.unmap();
      spans.push(Number(ns[used - 1] - ns[0]) / 1e6);
    }
  }
  const wall = median(walls);
  const span = spans.length ? `, first to last timestamp ${median(spans).toFixed(3)} ms` : '';
  console.log(`${name.padEnd(44)} ${wall.toFixed(3)} ms, ${((wall * 1000) / KERNELS).toFixed(1)} µs per kernel${span}`);
}
process.exit(0);
