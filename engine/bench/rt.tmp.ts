import { nodeGpu } from '../testing/node-gpu';
const gpu = (await nodeGpu())!;
const adapter = (await gpu.requestAdapter())!;
const device = await adapter.requestDevice();
for (let i = 0; i < 5; i++) {
  let t = performance.now(); await device.queue.onSubmittedWorkDone(); const a = performance.now() - t;
  const buf = device.createBuffer({ size: 256, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  t = performance.now(); await buf.mapAsync(GPUMapMode.READ); const b = performance.now() - t;
  t = performance.now(); await Promise.all([device.queue.onSubmittedWorkDone(), (async () => { const c = device.createBuffer({ size: 256, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }); await c.mapAsync(GPUMapMode.READ); })()]); const c = performance.now() - t;
  console.log(`onSubmittedWorkDone ${a.toFixed(2)} ms, mapAsync ${b.toFixed(2)} ms, both together ${c.toFixed(2)} ms`);
}
