/**
 * Steps per second of a small training loop (an MLP with Adam) on WebGPU, with the notebook's
 * backpressure (a loop waits while more than BACKLOG_TUNING.submits submits are unfinished) at
 * several bounds and without any, to choose the bound in tuning.ts.
 *
 *   npx tsx engine/bench/backlog-sweep.ts [steps] [hidden] [batch]
 *
 * Each bound runs ROUNDS times, interleaved; the median is reported, with how many submits were
 * in flight at most and how long the GPU took to finish after the loop's last step.
 */
import { nn, optim, torch, F, type Tensor } from '../index';
import { deviceBacklog } from '../core/backlog';
import { BACKLOG_TUNING } from '../backends/webgpu/tuning';
import { nodeGpu } from '../testing/node-gpu';
import { median } from './harness';

const STEPS = Number(process.argv[2]) || 300;
const HIDDEN = Number(process.argv[3]) || 64;
const BATCH = Number(process.argv[4]) || 64;
const ROUNDS = 3;
const BOUNDS = [1, 2, 4, 8, 16, Infinity];

const gpu = await nodeGpu();
if (!gpu) throw new Error('No WebGPU adapter in Node (see engine/testing/node-gpu.ts)');
await torch.init({ backend: 'webgpu', gpu });
const device = 'webgpu' as const;

async function train(bound: number): Promise<{ stepsPerS: number; maxInFlight: number; drainMs: number }> {
  BACKLOG_TUNING.submits = bound;
  torch.manualSeed(0);
  const net = new nn.Sequential(new nn.Linear(16, HIDDEN), new nn.ReLU(), new nn.Linear(HIDDEN, HIDDEN), new nn.ReLU(), new nn.Linear(HIDDEN, 1)).to(device);
  const opt = new optim.Adam(net.parameters(), { lr: 1e-3 });
  const x = torch.randn([BATCH, 16], { device });
  const y = torch.randn([BATCH, 1], { device });
  await torch.synchronize();
  const backlog = deviceBacklog();
  let maxInFlight = 0;
  const start = performance.now();
  for (let i = 0; i < STEPS; i++) {
    // What a guarded loop at a cell's top level does: `GUARD() || await WAIT()`.
    if (backlog.deep) await backlog.drained();
    opt.zeroGrad();
    const loss = F.mseLoss(net.forward(x) as Tensor, y);
    loss.backward();
    opt.step();
    maxInFlight = Math.max(maxInFlight, backlog.inFlight);
  }
  const issued = performance.now();
  await torch.synchronize();
  const end = performance.now();
  return { stepsPerS: (STEPS * 1000) / (end - start), maxInFlight, drainMs: end - issued };
}

await train(Infinity); // compile the pipelines
const results = new Map<number, { stepsPerS: number; maxInFlight: number; drainMs: number }[]>(BOUNDS.map((b) => [b, []]));
for (let r = 0; r < ROUNDS; r++) for (const bound of BOUNDS) results.get(bound)!.push(await train(bound));
console.log(`${STEPS} steps, MLP 16-${HIDDEN}-${HIDDEN}-1, batch ${BATCH}, Adam`);
console.log('bound (submits) | steps/s (median) | most in flight | GPU left after the loop (ms, median)');
for (const [bound, runs] of results) {
  const steps = median(runs.map((r) => r.stepsPerS));
  console.log(`${bound} | ${steps.toFixed(1)} | ${Math.max(...runs.map((r) => r.maxInFlight))} | ${median(runs.map((r) => r.drainMs)).toFixed(0)}`);
}
process.exit(0);
