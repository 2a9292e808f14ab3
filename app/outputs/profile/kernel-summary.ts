// A profile's kernels grouped by name (as torch.profiler's key_averages()), sorted by a column;
// and the Chrome trace of the run, rebuilt from the rows when the Worker sent none.
import type { ChromeTrace, ProfileRow } from '../../../workers/protocol';

export interface KernelGroup {
  name: string;
  calls: number;
  totalMs: number;
  avgMs: number;
  percent: number;
  gflops: number | null;
  gbps: number | null;
  /** Where its dispatches came from: op and cell line, the most frequent first. */
  from: string[];
}

export type SortKey = 'name' | 'calls' | 'totalMs' | 'avgMs' | 'percent' | 'gflops' | 'gbps';
export type SortDirection = 'ascending' | 'descending';

/** A kernel's time: GPU time where timestamps exist, else its CPU time. */
export function kernelMs(k: ProfileRow): number {
  return k.gpuMs ?? k.cpuMs ?? 0;
}

export function groupKernels(rows: ProfileRow[]): KernelGroup[] {
  const groups = new Map<string, { calls: number; ms: number; flops: number; bytes: number; from: Map<string, number> }>();
  for (const k of rows) {
    const g = groups.get(k.name) ?? { calls: 0, ms: 0, flops: 0, bytes: 0, from: new Map<string, number>() };
    const from = [k.op && k.op !== k.name ? k.op : null, k.line].filter(Boolean).join(' at ');
    if (from) g.from.set(from, (g.from.get(from) ?? 0) + 1);
    g.calls++;
    g.ms += kernelMs(k);
    g.flops += k.flops ?? 0;
    g.bytes += k.bytes ?? 0;
    groups.set(k.name, g);
  }
  const total = rows.reduce((n, k) => n + kernelMs(k), 0);
  const rate = (v: number, ms: number) => (ms > 0 ? v / (ms * 1e6) : null);
  return [...groups].map(([name, g]) => ({
    name,
    calls: g.calls,
    totalMs: g.ms,
    avgMs: g.ms / g.calls,
    percent: total > 0 ? (100 * g.ms) / total : 0,
    gflops: rate(g.flops, g.ms),
    gbps: rate(g.bytes, g.ms),
    from: [...g.from].sort((a, b) => b[1] - a[1]).map(([f]) => f),
  }));
}

export function sortGroups(groups: KernelGroup[], key: SortKey, direction: SortDirection): KernelGroup[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...groups].sort((a, b) => {
    if (key === 'name') return sign * a.name.localeCompare(b.name);
    // Missing rates sort last either way.
    const [x, y] = [a[key], b[key]];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return sign * (x - y) || a.name.localeCompare(b.name);
  });
}

/** Where each kernel sits on the run's timeline: its start where timestamps give one, else after the previous. */
export function timelineSpans(rows: ProfileRow[]): { start: number; ms: number; row: ProfileRow }[] {
  const stamped = rows.length > 0 && rows.every((k) => typeof k.startMs === 'number');
  let cursor = 0;
  return rows.map((row) => {
    const ms = kernelMs(row);
    const start = stamped ? (row.startMs as number) : cursor;
    cursor = start + ms;
    return { start, ms, row };
  });
}

export function chromeTraceOf(rows: ProfileRow[]): ChromeTrace {
  const traceEvents = timelineSpans(rows).map(({ start, ms, row }, i) => ({
    name: row.name,
    cat: 'kernel',
    ph: 'X',
    ts: start * 1000,
    dur: ms * 1000,
    pid: 1,
    tid: row.device === 'cpu' ? 2 : 1,
    args: { index: i, flops: row.flops, bytes: row.bytes },
  }));
  return { traceEvents, displayTimeUnit: 'ms' };
}
