/**
 * Tile sweep of the flash-attention kernels (kernels/flash-attention-run.ts FLASH_TUNING): for each
 * configuration, the largest error against the composed form on a small case (forward and
 * gradients), then the median ms of forward and of forward + backward at the bench's sdpa size,
 * and once the composed form's forward + backward. Run on the GPU machine:
 *   tsx engine/bench/sdpa-sweep.ts [--quick] [--configs 64x32,128x32f]   (wg x bk, f: dk and dv in one kernel)
 */
import { F, torch, type Tensor } from '../index';
import { webgpuAdapterInfo } from '../init';
import { sdpaComposed } from '../functional/attention';
import { FLASH_TUNING } from '../backends/webgpu/kernels/flash-attention-run';
import { nodeGpu } from '../testing/node-gpu';
import { timeOp } from './harness';
import { sizes } from './cases';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const at = args.indexOf('--configs');
const configs = (at >= 0 ? args[at + 1] : '64x32,128x32,64x64,128x16,64x32f,128x32f').split(',');
const gpu = await nodeGpu();
if (!gpu || (await torch.init({ backend: 'webgpu', gpu })) !== 'webgpu') throw new Error('no WebGPU adapter');
console.log(`device: ${webgpuAdapterInfo()}`);
const { batch, heads, seq, dim } = sizes(quick).sdpa;
const shape = [batch, heads, seq, dim];
const flops = 12 * batch * heads * seq * seq * dim;

async function maxErr(): Promise<number> {
  torch.manualSeed(1);
  const [q, k, v] = [
    [2, 3, 70, dim],
    [2, 3, 45, dim],
    [2, 3, 45, dim],
  ].map((s) => torch.randn(s, { device: 'webgpu', requiresGrad: true }));
  const g = torch.randn([2, 3, 70, dim], { device: 'webgpu' });
  const run = async (f: (a: Tensor, b: Tensor, c: Tensor) => Tensor) => {
    for (const t of [q, k, v]) t.grad = null;
    const out = f(q, k, v);
    out.backward(g);
    return Promise.all([out, q.grad!, k.grad!, v.grad!].map((t) => t.data()));
  };
  const [a, b] = [await run(F.scaledDotProductAttention), await run(sdpaComposed)];
  let err = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) err = Math.max(err, Math.abs(a[i][j] - b[i][j]));
  return err;
}

const [q, k, v] = [0, 1, 2].map(() => torch.randn(shape, { device: 'webgpu' }).requiresGrad_());
const g = torch.randn(shape, { device: 'webgpu' });
const step = (f: (a: Tensor, b: Tensor, c: Tensor) => Tensor, backward: boolean) => () =>
  torch.scope(() => {
    for (const t of [q, k, v]) t.grad = null;
    const out = f(q, k, v);
    if (!backward) return out;
    out.backward(g);
    return q.grad!;
  });
const timeIt = (op: () => Tensor) =>
  timeOp(
    op,
    () => torch.synchronize(),
    (t) => t.dispose(),
    quick ? 3 : 7,
    2,
    quick ? 1 : 2,
  );
for (const c of configs) {
  const m = /^(\d+)x(\d+)(f?)$/.exec(c);
  if (!m) throw new Error(`bad config ${c}`);
  for (const mode of Object.values(FLASH_TUNING.modes)) Object.assign(mode, { wg: Number(m[1]), bk: Number(m[2]) });
  FLASH_TUNING.fusedKeyGrads = m[3] === 'f';
  const err = await maxErr();
  const fwd = await timeIt(step(F.scaledDotProductAttention, false));
  const both = await timeIt(step(F.scaledDotProductAttention, true));
  console.log(
    `RESULT ${c}: max err ${err.toExponential(2)}; fwd ${fwd.toFixed(3)} ms; fwd+bwd ${both.toFixed(3)} ms (${(flops / both / 1e6).toFixed(0)} GFLOP/s)`,
  );
  // Each kernel's device time (timestamps), the median of 5 profiled steps.
  const perKernel = new Map<string, number[]>();
  for (let r = 0; r < 5; r++) {
    const prof = await torch.profile(async () => {
      step(F.scaledDotProductAttention, true)().dispose();
      await torch.synchronize();
    });
    for (const kr of prof.kernels) if (kr.name.startsWith('flash') && kr.gpuMs != null) perKernel.set(kr.name, [...(perKernel.get(kr.name) ?? []), kr.gpuMs]);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`KERNELS ${c}: ${[...perKernel].map(([name, xs]) => `${name} ${med(xs).toFixed(3)}`).join(', ')}`);
}
const composed = await timeIt(step(sdpaComposed, true));
console.log(`RESULT composed fwd+bwd ${composed.toFixed(3)} ms (${(flops / composed / 1e6).toFixed(0)} GFLOP/s) at [${shape.join('x')}]`);
process.exit(0);
