/**
 * The page side of profile-chromium.ts: the profiler benchmark (profile-bench.ts) on the browser's
 * own WebGPU, where Chromium can write timestamps inside shared passes. Bundled for the page.
 *
 * Driven two ways: Playwright calls `runProfilerBench` (profile-chromium.ts), or, on a machine
 * without Node (the GPU machine), the page runs itself when its address carries `?shapes=256x256,...`
 * and posts what it found to `/result` of the server that served it (profile_chromium_host.py).
 * `?probe=1` posts only the adapter, to check which flags give a real GPU.
 */
import { torch } from '../index';
import { getBackend } from '../core/runtime';
import { webgpuAdapterInfo } from '../init';
import { parseShapes, type Row } from './harness';
import { profilerOverhead } from './profile-bench';

export interface PageResult {
  adapter: string;
  placements: string;
  rows: Row[];
}

/** What a self-driven page posts to `/result`. */
export type PostedResult = { ok: true; userAgent: string; result: PageResult } | { ok: false; userAgent: string; error: string };

async function startWebgpu(): Promise<{ adapter: string; placements: string }> {
  const device = await torch.init({ backend: 'webgpu' });
  if (device !== 'webgpu') throw new Error('no WebGPU adapter in this browser');
  const { timestampPlacement, hasTimestamps } = getBackend('webgpu');
  const placements = !hasTimestamps
    ? 'none (no timestamp-query: wall time only)'
    : timestampPlacement === 'inside passes'
      ? 'inside passes (and pass boundaries, for comparison)'
      : 'pass boundaries only';
  return { adapter: webgpuAdapterInfo() ?? '', placements };
}

async function runProfilerBench(shapes: number[][]): Promise<PageResult> {
  const started = await startWebgpu();
  return { ...started, rows: await profilerOverhead('webgpu', shapes) };
}

async function selfDriven(query: URLSearchParams): Promise<void> {
  const post = (body: PostedResult) => fetch('/result', { method: 'POST', body: JSON.stringify(body) });
  const userAgent = navigator.userAgent;
  try {
    const shapes = query.get('shapes');
    const result = shapes ? await runProfilerBench(parseShapes(shapes)) : { ...(await startWebgpu()), rows: [] };
    await post({ ok: true, userAgent, result });
  } catch (e) {
    await post({ ok: false, userAgent, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  }
}

(globalThis as unknown as { runProfilerBench: typeof runProfilerBench }).runProfilerBench = runProfilerBench;
const query = new URLSearchParams(globalThis.location?.search ?? '');
if (query.has('shapes') || query.has('probe')) void selfDriven(query);
