import { torch } from '../index';
import { nodeGpu } from '../testing/node-gpu';
const gpu = await nodeGpu();
await torch.init({ backend: 'webgpu', gpu } as never);
const x = torch.ones([4], { device: 'webgpu' });
const loop = (n: number) => { let y = x; for (let i = 0; i < n; i++) y = i % 2 ? y.mul(0.999) : y.add(0.001); return y; };
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now(); let y = loop(1000); const plainUs = (performance.now() - t); await y.data();
  let prof = 0;
  const p = await torch.profile(() => { const t0 = performance.now(); const z = loop(1000); prof = performance.now() - t0; return z.data(); });
  console.log(`plain ${plainUs.toFixed(1)} us/op, profiled ${prof.toFixed(1)} us/op, kernels ${p.kernels.length}`);
}
