/** Profiler overhead: the 200-op eager loop, plain and under torch.profile. */
import { torch } from '../index';
import { Profile } from '../profile/profile';
import { median, type Row } from './harness';
import { getBackend } from '../core/runtime';
import { WebGpuBackend } from '../backends/webgpu/webgpu-backend';
import { sync } from './wick-bench';

/**
 * The loop's tensor sizes: 256x256, where the CPU's cost of recording each op dominates (the GPU
 * needs a few µs per op), and 4096x2048, where the GPU's time dominates (32 MB per op).
 */
export const PROFILE_SHAPES: number[][] = [
  [256, 256],
  [4096, 2048],
];

/** The 200-op loop at each size (stacks and the pass-split diagnostic at the first only). */
export async function profilerOverhead(device: 'webgpu' | 'cpu', shapes: number[][] = PROFILE_SHAPES): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [i, shape] of shapes.entries()) rows.push(...(await overheadAt(device, shape, i === 0)));
  return rows;
}

/**
 * The 200-op loop, plain and under torch.profile, measured in alternating pairs (the GPU
 * machine's CPU is noisy from run to run): the overhead is the median of the pairs' ratios.
 */
async function overheadAt(device: 'webgpu' | 'cpu', shape: number[], detailed: boolean): Promise<Row[]> {
  const x = torch.randn(shape, { device });
  let recordMs = 0;
  const loop = () => {
    const started = performance.now();
    let y = x;
    for (let i = 0; i < 200; i++) y = i % 2 ? y.mul(0.999) : y.add(0.001);
    recordMs = performance.now() - started;
    return sync(y);
  };
  const once = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    const result = await run();
    const kernelUs = result instanceof Profile ? (result.totalMs * 1000) / 200 : null;
    return { ms: performance.now() - started, recordUs: (recordMs * 1000) / 200, kernelUs };
  };
  // The timestamp placement and the pass splitting are WebGPU's own switches.
  const gpu = device === 'webgpu' ? getBackend('webgpu') : null;
  if (gpu && !(gpu instanceof WebGpuBackend)) throw new Error(`the profiler bench needs the WebGPU backend, got ${gpu.constructor.name}`);
  const placements = gpu?.timestampPlacement === 'inside passes' ? [true, false] : [false];
  const rows: Row[] = [];
  for (const inside of placements) {
    if (gpu) gpu.timestampsInsidePasses = inside;
    for (const withStack of detailed ? [false, true] : [false]) {
      const profiled = () => torch.profile(loop, { withStack });
      for (let i = 0; i < 3; i++) {
        await once(loop);
        await once(profiled);
      }
      const pairs: { plain: Awaited<ReturnType<typeof once>>; profiled: Awaited<ReturnType<typeof once>> }[] = [];
      for (let i = 0; i < 21; i++) pairs.push({ plain: await once(loop), profiled: await once(profiled) });
      const overhead = (median(pairs.map((p) => p.profiled.ms / p.plain.ms)) - 1) * 100;
      // The same in µs per kernel, beside the kernels' own GPU time: what a profile costs in absolute terms.
      const extraUs = ((median(pairs.map((p) => p.profiled.ms)) - median(pairs.map((p) => p.plain.ms))) * 1000) / 200;
      const kernelUs = pairs[0].profiled.kernelUs === null ? null : median(pairs.map((p) => p.profiled.kernelUs ?? 0));
      rows.push({
        group: 'profile',
        name: `200-op eager loop [${shape.join('x')}]${gpu ? `, timestamps at ${gpu.timestampPlacement}` : ''}, ${withStack ? 'withStack: true' : 'default (no stacks)'}`,
        value: `plain ${median(pairs.map((p) => p.plain.ms)).toFixed(2)} ms, profiled ${median(pairs.map((p) => p.profiled.ms)).toFixed(2)} ms (CPU per op ${median(pairs.map((p) => p.plain.recordUs)).toFixed(1)} -> ${median(pairs.map((p) => p.profiled.recordUs)).toFixed(1)} µs)`,
        note: `overhead ${overhead.toFixed(1)}% (${extraUs.toFixed(1)} µs per kernel${kernelUs === null ? '' : `, whose GPU time is ${kernelUs.toFixed(1)} µs`}), median of 21 alternating pairs (target < 5%)`,
      });
    }
  }
  if (gpu) gpu.timestampsInsidePasses = true;
  if (gpu && detailed) {
    // Where the time goes: a pass per kernel alone, without timestamp queries.
    gpu.splitPassesOnly = true;
    const pairs: number[] = [];
    for (let i = 0; i < 21; i++) {
      const plain = await once(loop);
      const split = await once(() => torch.profile(loop));
      pairs.push(split.ms / plain.ms);
    }
    gpu.splitPassesOnly = false;
    rows.push({
      group: 'profile',
      name: `200-op eager loop [${shape.join('x')}], a pass per kernel, no timestamps (diagnostic)`,
      value: `${((median(pairs) - 1) * 100).toFixed(1)}% over plain`,
      note: 'what the pass splitting alone costs',
    });
  }
  return rows;
}
