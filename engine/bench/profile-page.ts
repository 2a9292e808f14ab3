/**
 * The page side of profile-chromium.ts: the profiler benchmark (profile-bench.ts) on the browser's
 * own WebGPU, where Chromium can write timestamps inside shared passes. Bundled for the page.
 */
import { torch } from '../index';
import { getBackend } from '../core/runtime';
import { webgpuAdapterInfo } from '../init';
import type { Row } from './harness';
import { profilerOverhead } from './profile-bench';

export interface PageResult {
  adapter: string;
  placements: string;
  rows: Row[];
}

async function runProfilerBench(shapes: number[][]): Promise<PageResult> {
  const device = await torch.init({ backend: 'webgpu' });
  if (device !== 'webgpu') throw new Error('no WebGPU adapter in this browser');
  const { timestampPlacement } = getBackend('webgpu') as unknown as { timestampPlacement: string };
  const placements = timestampPlacement === 'inside passes' ? 'inside passes (and pass boundaries, for comparison)' : 'pass boundaries only';
  return { adapter: webgpuAdapterInfo() ?? '', placements, rows: await profilerOverhead('webgpu', shapes) };
}

(globalThis as unknown as { runProfilerBench: typeof runProfilerBench }).runProfilerBench = runProfilerBench;
